"""Who is calling: the principal every service receives, and the role guards."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from regulars.core.errors import Forbidden, Unauthorized

ROLES = ("clerk", "manager", "admin")


class Principal(msgspec.Struct, frozen=True):
    staff_id: int
    username: str
    display_name: str
    role: str
    store_id: int | None
    session_id: int | None = None
    ip: str | None = None
    timezone: str | None = None  # the staff member's store's, read with the session (None: unknown or chain staff)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_manager(self) -> bool:
        return self.role in ("manager", "admin")

    def reaches_store(self, store_id: int | None) -> bool:
        return self.is_admin or (store_id is not None and store_id == self.store_id)


def principal_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal:
    user = connection.scope.get("user")
    if not isinstance(user, Principal):
        raise Unauthorized()
    return user


# Guards are coroutines: Litestar runs a plain function guard in a worker thread, a thread
# hop on every request.
async def staff_guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    principal_of(connection)


async def manager_guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    if not principal_of(connection).is_manager:
        raise Forbidden()


async def admin_guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    if not principal_of(connection).is_admin:
        raise Forbidden()
