"""Resolves the session cookie to a principal on every request."""

from __future__ import annotations

from litestar.connection import ASGIConnection
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult
from litestar.middleware.base import DefineMiddleware

from regulars.core.http import client_ip
from regulars.stores.service import resolve_session

SESSION_COOKIE = "regulars_session"


class SessionMiddleware(AbstractAuthenticationMiddleware):
    async def authenticate_request(self, connection: ASGIConnection) -> AuthenticationResult:
        token = connection.cookies.get(SESSION_COOKIE)
        principal = await resolve_session(token, client_ip(connection)) if token else None
        return AuthenticationResult(user=principal, auth=None)


session_middleware = DefineMiddleware(SessionMiddleware, exclude=["^/static", "^/app", "^/healthz"])
