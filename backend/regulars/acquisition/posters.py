"""A channel's print poster, drawn once per look and kept: drawing takes most of a second, and a poster changes
only when something printed on it does (the store's name, the clerk, the code and its link, the call to action).

The ETag is a digest of those, so a browser that holds the poster is answered 304 without any drawing at all."""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import json
from collections import OrderedDict

from regulars.acquisition import channels, qr
from regulars.core.auth import Principal
from regulars.stores import service as stores

KEPT = 32  # posters kept in memory (about 100 KB each), the least recently asked for dropped first

_kept: OrderedDict[str, bytes] = OrderedDict()
_drawing: dict[str, asyncio.Future[bytes]] = {}


@dataclasses.dataclass(frozen=True)
class Poster:
    etag: str
    code: str
    image: bytes | None  # None: the asker's copy is current (If-None-Match)


async def poster(actor: Principal, channel_id: int, if_none_match: str | None = None) -> Poster:
    channel = await channels.get(actor, channel_id)
    store = await stores.get_store(channel.store_id)
    clerk = await stores.staff_name(channel.staff_id) if channel.kind == "clerk" and channel.staff_id else None
    look = (channel.url, store.name, clerk, channel.code, channel.welcome_template_id is not None)
    printed = json.dumps([qr.POSTER_LAYOUT, qr.cjk_font_path() is not None, *look], ensure_ascii=False)
    etag = '"' + hashlib.sha256(printed.encode()).hexdigest()[:32] + '"'
    if _matches(if_none_match, etag):
        return Poster(etag, channel.code, None)
    return Poster(etag, channel.code, await _drawn(etag, look))


def _matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return etag in tags or "*" in tags


async def _drawn(etag: str, look: tuple) -> bytes:
    """The poster from memory, else drawn once however many ask for it at the same time."""
    if etag in _kept:
        _kept.move_to_end(etag)
        return _kept[etag]
    if etag not in _drawing:
        url, store_name, clerk, code, welcome = look
        _drawing[etag] = asyncio.ensure_future(asyncio.to_thread(qr.poster, url, store_name, clerk, code, welcome=welcome))
        _drawing[etag].add_done_callback(lambda done: _keep(etag, done))
    return await asyncio.shield(_drawing[etag])  # one asker going away does not stop the drawing for the others


def _keep(etag: str, done: asyncio.Future[bytes]) -> None:
    _drawing.pop(etag, None)
    if done.cancelled() or done.exception() is not None:
        return
    _kept[etag] = done.result()
    while len(_kept) > KEPT:
        _kept.popitem(last=False)
