"""HTTP face of Web Push and the staff inbox."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, Response, delete, get, post
from litestar.params import FromPath, JSONBody, QueryParameter

from regulars.core.auth import Principal, principal_of, staff_guard
from regulars.core.errors import Unauthorized
from regulars.messaging import identity, inbox, schemas, service, vapid


async def _owner(request: Request, wanted: str | None) -> tuple[int | None, Principal | None]:
    """The staff member (logged in) or the customer (wallet cookie) a subscription belongs to."""
    user = request.scope.get("user")
    if isinstance(user, Principal) and wanted in (None, "staff"):
        return None, user
    if wanted in (None, "customer"):
        customer_id = await identity.customer_of(request)
        if customer_id is not None:
            return customer_id, None
    raise Unauthorized("push.who")


class PushController(Controller):
    path = "/api/v1/push"
    tags = ["push"]

    @get("/vapid-public-key")
    async def vapid_public_key(self) -> Response[schemas.VapidKey]:
        return Response(schemas.VapidKey(public_key=vapid.public_key()), headers={"Cache-Control": "public, max-age=3600"})

    @post("/subscriptions", status_code=201)
    async def subscribe(self, request: Request, data: JSONBody[schemas.SubscriptionCreate]) -> schemas.Subscription:
        customer_id, staff = await _owner(request, data.owner)
        return await service.subscribe(data, customer_id=customer_id, staff=staff,
                                       user_agent=request.headers.get("user-agent"))

    @delete("/subscriptions", status_code=204)
    async def unsubscribe(
        self, request: Request, endpoint: Annotated[str, QueryParameter(max_length=1000)],
        owner: Annotated[schemas.Owner | None, QueryParameter()] = None,
    ) -> None:
        customer_id, staff = await _owner(request, owner)
        await service.unsubscribe(endpoint, customer_id=customer_id, staff=staff)


class InboxController(Controller):
    path = "/api/v1/inbox"
    tags = ["inbox"]
    guards = [staff_guard]

    @get("/")
    async def my_inbox(
        self,
        request: Request,
        limit: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
        offset: Annotated[int, QueryParameter(ge=0)] = 0,
    ) -> schemas.InboxPage:
        return await inbox.staff_inbox(principal_of(request), limit, offset)

    @post("/{message_id:int}/read", status_code=200)
    async def mark_read(self, request: Request, message_id: FromPath[int]) -> schemas.InboxItem:
        return await inbox.mark_staff_read(principal_of(request), message_id)


class CustomerMessageController(Controller):
    path = "/api/v1/customers"
    tags = ["inbox"]
    guards = [staff_guard]

    @post("/{customer_id:int}/messages", status_code=201)
    async def message_customer(
        self, request: Request, customer_id: FromPath[int], data: JSONBody[schemas.CustomerMessage]
    ) -> schemas.MessageSent:
        return await service.message_customer(principal_of(request), customer_id, data)


routers = [PushController, InboxController, CustomerMessageController]
