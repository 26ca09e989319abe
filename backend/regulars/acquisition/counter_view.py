"""The counter tablet's side of the rotating QR: the current token and the stream of redemptions."""

from __future__ import annotations

import datetime as dt
import json
from typing import AsyncIterator

from litestar.response import ServerSentEventMessage

from regulars.core import clock
from regulars.core.auth import Principal
from regulars.core.errors import Forbidden
from regulars.acquisition import counter, qr, schemas


def check(actor: Principal) -> None:
    """Only someone working in a store stands at a counter."""
    if actor.store_id is None:
        raise Forbidden("counter.no_store")


def current(actor: Principal) -> schemas.CounterQr:
    """A fresh token for the caller's store and the caller as clerk."""
    check(actor)
    now = clock.now()
    token = counter.sign(actor.store_id, actor.staff_id, now)
    read = counter.read(token, now=now)
    link = counter.url(token)
    return schemas.CounterQr(
        token=token, url=link, qr_svg=qr.svg(link).decode(), store_id=actor.store_id, staff_id=actor.staff_id,
        issued_at=read.issued_at, scan_until=read.issued_at + dt.timedelta(seconds=counter.SCAN_SECONDS),
        refresh_in=counter.ROTATE_SECONDS,
    )


async def messages(actor: Principal, after: int | None) -> AsyncIterator[ServerSentEventMessage]:
    """The stream's messages; call `check` before the response starts. The first ("ready") carries as its id the
    point the stream starts from, so a tablet that reconnects before any redemption still misses none."""
    floor = after if after is not None else await counter.latest_id()
    yield ServerSentEventMessage(id=str(floor), event="ready", data=json.dumps({"staff_id": actor.staff_id}))
    async for event in counter.stream(actor.staff_id, floor):
        if event is None:
            yield ServerSentEventMessage(comment="keep-alive")
            continue
        body = {"id": event["id"], "kind": event["kind"], "at": clock.aware(event["at"]).isoformat(), **event["data"]}
        yield ServerSentEventMessage(id=event["id"], event=event["kind"], data=json.dumps(body, ensure_ascii=False))
