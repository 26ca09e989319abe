"""HTTP face of channel codes and attribution (the public pages live in regulars.pages)."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, Response, get, patch, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, FromQuery, HeaderParameter, JSONBody, QueryParameter
from litestar.response import ServerSentEvent

from regulars.core.auth import manager_guard, principal_of, staff_guard
from regulars.core.http import client_ip
from regulars.customers import schemas as customer_schemas
from regulars.acquisition import attribution, channels, counter_view, jobs, posters, qr, schemas, store_join  # noqa: F401  (jobs registers itself)


class ChannelController(Controller):
    path = "/api/v1/channels"
    tags = ["acquisition"]
    guards = [staff_guard]

    @get("/")
    async def list_channels(
        self,
        request: Request,
        store_id: FromQuery[int | None] = None,
        kind: FromQuery[schemas.AnyKind | None] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=500)] = 100,
        offset: Annotated[int, QueryParameter(ge=0)] = 0,
    ) -> list[schemas.Channel]:
        return await channels.list_channels(principal_of(request), store_id, kind, limit, offset)

    @post("/", guards=[manager_guard], status_code=201)
    async def create_channel(self, request: Request, data: JSONBody[schemas.ChannelCreate]) -> schemas.Channel:
        return await channels.create(principal_of(request), data)

    @get("/{channel_id:int}")
    async def get_channel(self, request: Request, channel_id: FromPath[int]) -> schemas.Channel:
        return await channels.get(principal_of(request), channel_id)

    @patch("/{channel_id:int}", guards=[manager_guard])
    async def update_channel(
        self, request: Request, channel_id: FromPath[int], data: JSONBody[schemas.ChannelUpdate]
    ) -> schemas.Channel:
        return await channels.update(principal_of(request), channel_id, data)

    @get("/{channel_id:int}/qr.svg", media_type="image/svg+xml")
    async def channel_qr(self, request: Request, channel_id: FromPath[int]) -> Response[bytes]:
        channel = await channels.get(principal_of(request), channel_id)
        return Response(qr.svg(channel.url), media_type="image/svg+xml", headers={"Cache-Control": "private, max-age=300"})

    @get("/{channel_id:int}/poster.png", media_type="image/png")
    async def channel_poster(self, request: Request, channel_id: FromPath[int]) -> Response[bytes]:
        """Drawn once per look and kept; the ETag changes with anything printed on it (304 while it has not)."""
        poster = await posters.poster(principal_of(request), channel_id, request.headers.get("if-none-match"))
        headers = {"Cache-Control": "private, max-age=300", "ETag": poster.etag}
        if poster.image is None:
            return Response(b"", status_code=304, media_type="image/png", headers=headers)
        return Response(poster.image, media_type="image/png", headers=headers | {
            "Content-Disposition": f'inline; filename="poster-{poster.code}.png"',
        })


class AttributionController(Controller):
    path = "/api/v1/customers"
    tags = ["acquisition"]
    guards = [staff_guard]

    @get("/{customer_id:int}/attribution")
    async def customer_attribution(self, request: Request, customer_id: FromPath[int]) -> schemas.Attribution:
        return await attribution.of_customer(principal_of(request), customer_id)

    @post("/follow", status_code=200, responses={
        202: ResponseSpec(store_join.CodeSent, description="A code went to the customer's phone: send again with it",
                          generate_examples=False),
    })
    async def join_store(self, request: Request, data: JSONBody[customer_schemas.StoreFollow]) -> Response[customer_schemas.Customer]:
        """The answer to a 409 on create: the person is another store's customer and is at this counter."""
        result = await store_join.join(principal_of(request), data, client_ip=client_ip(request))
        return Response(result, status_code=202 if isinstance(result, store_join.CodeSent) else 200)


class CounterController(Controller):
    """The counter tablet: the rotating redemption QR, and redemptions arriving as server-sent events."""

    path = "/api/v1/counter"
    tags = ["acquisition"]
    guards = [staff_guard]

    @get("/qr")
    async def current_qr(self, request: Request) -> schemas.CounterQr:
        return counter_view.current(principal_of(request))

    @get("/events", media_type="text/event-stream")
    async def events(
        self, request: Request,
        last_event_id: Annotated[str | None, HeaderParameter(name="Last-Event-ID", required=False)] = None,
        after: Annotated[int | None, QueryParameter(ge=0)] = None,
    ) -> ServerSentEvent:
        """Resumes after the Last-Event-ID header (the browser's own reconnect) or after `after` (a tablet that
        opens a new stream after the old one closed); the header wins."""
        actor = principal_of(request)
        counter_view.check(actor)
        if last_event_id and last_event_id.isdigit():
            after = int(last_event_id)
        return ServerSentEvent(counter_view.messages(actor, after), retry_duration=2000)


routers = [ChannelController, AttributionController, CounterController]
