"""HTTP face of stores, staff and login."""

from __future__ import annotations

from litestar import Controller, Request, Response, get, patch, post
from litestar.datastructures import Cookie
from litestar.params import FromPath, JSONBody

from regulars.core import clock
from regulars.core.auth import admin_guard, manager_guard, principal_of, staff_guard
from regulars.core.http import client_ip
from regulars.settings import get_settings
from regulars.stores import schemas, service
from regulars.stores.auth import SESSION_COOKIE, session_csrf_token


class AuthController(Controller):
    path = "/api/v1"
    tags = ["auth"]

    @post("/auth/login", status_code=200)
    async def login(self, request: Request, data: JSONBody[schemas.LoginRequest]) -> Response[schemas.LoginResult]:
        settings = get_settings()
        token, principal = await service.login(
            data.username, data.password, client_ip(request), request.headers.get("user-agent")
        )
        csrf = session_csrf_token(token)
        result = schemas.LoginResult(
            me=await service.me(principal),
            csrf_token=csrf,
            session_expires_idle_minutes=settings.session_idle_minutes,
            at=clock.now(),
        )
        return Response(
            result,
            cookies=[
                Cookie(key=SESSION_COOKIE, value=token, httponly=True, samesite="lax", secure=settings.secure_cookies, path="/"),
                Cookie(key="csrftoken", value=csrf, httponly=False, samesite="lax", secure=settings.secure_cookies, path="/"),
            ],
        )

    @post("/auth/logout", status_code=204, guards=[staff_guard])
    async def logout(self, request: Request) -> Response[None]:
        await service.logout(principal_of(request))
        return Response(None, status_code=204, cookies=[Cookie(key=SESSION_COOKIE, value="", max_age=0, path="/")])

    @get("/me", guards=[staff_guard])
    async def me(self, request: Request) -> schemas.Me:
        return await service.me(principal_of(request))


class StoreController(Controller):
    path = "/api/v1/stores"
    tags = ["stores"]
    guards = [admin_guard]

    @get("/")
    async def list_stores(self, request: Request) -> list[schemas.Store]:
        return await service.list_stores(principal_of(request))

    @post("/")
    async def create_store(self, request: Request, data: JSONBody[schemas.StoreCreate]) -> schemas.Store:
        return await service.create_store(principal_of(request), data)

    @get("/{store_id:int}")
    async def get_store(self, store_id: FromPath[int]) -> schemas.Store:
        return await service.get_store(store_id)


class StaffController(Controller):
    path = "/api/v1/staff"
    tags = ["staff"]
    guards = [admin_guard]

    @get("/")
    async def list_staff(self, request: Request) -> list[schemas.Staff]:
        return await service.list_staff(principal_of(request))

    @post("/")
    async def create_staff(self, request: Request, data: JSONBody[schemas.StaffCreate]) -> schemas.Staff:
        return await service.create_staff(principal_of(request), data)

    @patch("/{staff_id:int}")
    async def update_staff(self, request: Request, staff_id: FromPath[int], data: JSONBody[schemas.StaffUpdate]) -> schemas.Staff:
        return await service.update_staff(principal_of(request), staff_id, data)


class StoreStaffController(Controller):
    """The manager's own store's team: they add its clerks and change them (name, password, active); the
    chain-wide staff API, with roles and stores, is the admin's."""

    path = "/api/v1/store-staff"
    tags = ["staff"]
    guards = [manager_guard]

    @get("/")
    async def list_store_staff(self, request: Request) -> list[schemas.Staff]:
        return await service.list_staff(principal_of(request))

    @post("/")
    async def create_store_clerk(self, request: Request, data: JSONBody[schemas.StaffCreate]) -> schemas.Staff:
        return await service.create_staff(principal_of(request), data)

    @patch("/{staff_id:int}")
    async def update_store_clerk(self, request: Request, staff_id: FromPath[int], data: JSONBody[schemas.StaffUpdate]) -> schemas.Staff:
        return await service.update_staff(principal_of(request), staff_id, data)


routers = [AuthController, StoreController, StaffController, StoreStaffController]
