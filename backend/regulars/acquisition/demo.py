"""Acquisition in the demo chain: each store's channel codes, and the follows that brought in its followers.

Every store gets a door poster, a code per clerk and a Mid-Autumn community event. The customers whose
source is "follow" followed their home store through one of them on the day they became customers, with
scans beside the follows, so that the acquisition report has channels, clerks and a campaign to compare.
Rows keep what the live flow keeps: one follow per customer and store, one touch per follow event, the
codes' running counters equal to their touches, and the scan sampler's watermarks at the codes' counts; the
follow's points (the store rule's follow bonus) are the demo history's, which credits them in its ledger.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections import defaultdict
from typing import Awaitable, Callable
from zoneinfo import ZoneInfo

from regulars.core.db import raw
from regulars.core.security import crockford_code
from regulars.acquisition import rules

CopyRows = Callable[[str, tuple[str, ...], list[tuple]], Awaitable[None]]
EVENT_CAMPAIGN = "2026 中秋社区活动"


class Follows:
    """Each follower's follow through one of their home store's codes, made while the customers are (so that the
    demo's history can credit the follow's points, as the live flow does); `flush` writes them in the caller's
    write unit, `finish` the codes' counters and the scans."""

    def __init__(self, seed: int, channels: dict[int, list[dict]], stores: dict[int, tuple[str, ZoneInfo]]) -> None:
        self.rng = random.Random(seed ^ 0xF0110)
        self.channels = channels
        self.stores = stores
        self.counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])  # channel -> [scans, follows]
        self.scans_by_day: dict[tuple[dt.date, int], int] = defaultdict(int)
        self.follows: list[tuple] = []
        self.touches: list[tuple] = []
        self.events: list[tuple] = []
        self.made = 0

    def add(self, customer: int, store_id: int, clerk_id: int | None, at: dt.datetime) -> dict | None:
        """The customer followed their home store on the day they became a customer; the code they used."""
        if store_id not in self.channels:
            return None
        rng = self.rng
        channel = _pick(rng, self.channels[store_id], clerk_id)
        store_name, zone = self.stores[store_id]
        self.follows.append((customer, store_id, channel["id"], channel["staff"], channel["campaign"], at,
                             channel["id"], channel["staff"], channel["campaign"], at, 1))
        self.touches.append((customer, store_id, channel["id"], channel["staff"], channel["campaign"], True, True, at))
        self.events.append((customer, at, "followed", "web", store_id, channel["staff"],
                            json.dumps({"channel": channel["name"], "store": store_name}, ensure_ascii=False),
                            "channel", str(channel["id"])))
        scans = 1 + (rng.random() < 0.6) + (rng.random() < 0.3)  # scanned, sometimes more than once, then followed
        self.counts[channel["id"]][0] += scans
        self.counts[channel["id"]][1] += 1
        at_utc = at if at.tzinfo else at.replace(tzinfo=dt.timezone.utc)
        self.scans_by_day[(at_utc.astimezone(zone).date(), channel["id"])] += scans
        return channel

    async def flush(self, copy_rows: CopyRows) -> None:
        """Writes the follows made so far (after their customers, in the caller's write unit)."""
        await copy_rows("follow", ("customer", "store", "first_channel", "first_staff", "first_campaign", "first_at",
                                   "last_channel", "last_staff", "last_campaign", "last_at", "touches"), self.follows)
        await copy_rows("follow_touch", ("customer", "store", "channel", "staff", "campaign", "new_customer",
                                         "new_follower", "at"), self.touches)
        await copy_rows("timeline_event", ("customer", "at", "kind", "channel", "store_id", "staff_id", "data",
                                           "ref_type", "ref_id"), self.events)
        self.made += len(self.follows)
        self.follows, self.touches, self.events = [], [], []

    async def finish(self, copy_rows: CopyRows) -> int:
        """The codes' running counters and the scans per day, with the sampler's watermarks; returns the follows made."""
        store_of = {c["id"]: store_id for store_id, listed in self.channels.items() for c in listed}
        await copy_rows("report_channel_day", ("day", "channel_id", "store_id", "scans"),
                        [(day, channel_id, store_of[channel_id], scans)
                         for (day, channel_id), scans in self.scans_by_day.items()])
        for channel_id, (scans, follows) in self.counts.items():
            await raw("UPDATE channel SET scans = {}, follows = {}, new_customers = {} WHERE id = {}",
                      scans, follows, follows, channel_id)
        watermarks = json.dumps({str(channel_id): scans for channel_id, (scans, _) in self.counts.items()})
        await raw("INSERT INTO report_rollup (name, watermarks) VALUES ('scans', {}) "
                  "ON CONFLICT (name) DO UPDATE SET watermarks = excluded.watermarks", watermarks)
        return self.made


async def start(store_ids: list[int], now: dt.datetime, seed: int, copy_rows: CopyRows) -> Follows:
    """Channel codes for every store, and the maker of the follows through them."""
    stores = {r["id"]: (r["name"], ZoneInfo(r["timezone"])) for r in await raw("SELECT id, name, timezone FROM store")}
    clerks: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for row in await raw("SELECT id, store, display_name FROM staff WHERE role = 'clerk' ORDER BY id"):
        clerks[row["store"]].append((row["id"], row["display_name"]))
    channel_rows = []
    for store_id in store_ids:
        channel_rows.append((store_id, "store", "门口海报", None, ""))
        channel_rows.append((store_id, "event", "中秋社区活动", None, EVENT_CAMPAIGN))
        for clerk_id, name in clerks[store_id]:
            channel_rows.append((store_id, "clerk", f"{name}的专属码", clerk_id, ""))
    await copy_rows("channel", ("store", "kind", "name", "staff", "campaign", "code", "active", "scans", "follows",
                                "new_customers", "created_at", "updated_at"),
                    [(*row, crockford_code(rules.CODE_LENGTH), True, 0, 0, 0, now, now) for row in channel_rows])
    channels: dict[int, list[dict]] = defaultdict(list)
    for row in await raw("SELECT id, store, kind, name, staff, campaign FROM channel WHERE kind <> 'referral' ORDER BY id"):
        channels[row["store"]].append(dict(row))
    return Follows(seed, channels, stores)


def _pick(rng: random.Random, listed: list[dict], clerk_id: int | None) -> dict:
    """Mostly the responsible clerk's own code, else the door poster or the event."""
    own = [c for c in listed if c["staff"] == clerk_id and c["kind"] == "clerk"]
    roll = rng.random()
    if own and roll < 0.55:
        return own[0]
    if roll < 0.85:
        return next(c for c in listed if c["kind"] == "store")
    return next(c for c in listed if c["kind"] == "event")
