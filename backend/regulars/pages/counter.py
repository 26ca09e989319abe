"""GET /counter: the counter tablet's page, for staff: the rotating redemption QR, and each customer-side
redemption shown the moment it happens (EventSource on /api/v1/counter/events; without JavaScript the
page refreshes itself with a new QR)."""

from __future__ import annotations

from pathlib import Path

from litestar import Controller, Request, Response, get
from litestar.response import Redirect, Template

from regulars.core.auth import Principal
from regulars.acquisition import counter, counter_view
from regulars.pages.common import PAGE_ERRORS, render
from regulars.stores import service as stores

STATIC = Path(__file__).parent / "static"


class CounterPage(Controller):
    path = "/counter"
    include_in_schema = False
    exception_handlers = PAGE_ERRORS

    @get("/")
    async def show(self, request: Request) -> Template | Redirect:
        actor = request.scope.get("user")
        if not isinstance(actor, Principal):
            return Redirect("/app/", status_code=303)
        current = counter_view.current(actor)
        store = await stores.get_store(current.store_id)
        return render(request, "counter.html", zone=store.timezone, store=store, qr=current, clerk=actor.display_name,
                      refresh=counter.ROTATE_SECONDS)


    @get("/counter.js", media_type="text/javascript")
    async def script(self) -> Response[bytes]:
        return Response((STATIC / "counter.js").read_bytes(), media_type="text/javascript",
                        headers={"Cache-Control": "no-cache"})


routers = [CounterPage]
