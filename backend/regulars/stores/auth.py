"""Resolves the session cookie to a principal on every request, and keeps other sites out of the staff API.

An unsafe request to the API is refused as CSRF when the browser says it comes from another site, and,
for a logged-in session, unless it carries that session's own CSRF token: the token is derived from the
session, so a token taken from another session (or planted as a cookie) does not pass.
"""

from __future__ import annotations

import hashlib
import hmac

from litestar.connection import ASGIConnection
from litestar.exceptions import PermissionDeniedException
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult
from litestar.middleware.base import DefineMiddleware
from litestar.middleware.csrf import generate_csrf_hash

from regulars.core.http import client_ip, cross_site
from regulars.settings import get_settings
from regulars.stores.service import resolve_session

SESSION_COOKIE = "regulars_session"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
LOGIN_PATH = "/api/v1/auth/login"


def session_csrf_token(session_token: str) -> str:
    """The CSRF token of one session, signed the way Litestar's CSRF middleware checks it."""
    secret = get_settings().secret_key
    base = hmac.new(secret.encode(), b"csrf:" + session_token.encode(), hashlib.sha256).hexdigest()
    return base + generate_csrf_hash(token=base, secret=secret)


class SessionMiddleware(AbstractAuthenticationMiddleware):
    async def authenticate_request(self, connection: ASGIConnection) -> AuthenticationResult:
        unsafe_api = connection.scope.get("method") not in SAFE_METHODS and connection.scope["path"].startswith("/api/")
        if unsafe_api and cross_site(connection):
            raise PermissionDeniedException("CSRF: cross-site request")
        token = connection.cookies.get(SESSION_COOKIE)
        principal = await resolve_session(token, client_ip(connection)) if token else None
        if principal is not None and unsafe_api and connection.scope["path"] != LOGIN_PATH:
            sent = connection.headers.get("x-csrftoken", "")
            if not hmac.compare_digest(sent.encode(), session_csrf_token(token).encode()):
                raise PermissionDeniedException("CSRF token verification failed")
        return AuthenticationResult(user=principal, auth=None)


session_middleware = DefineMiddleware(SessionMiddleware, exclude=["^/static", "^/app", "^/healthz"])
