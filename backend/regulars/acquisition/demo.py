"""Acquisition in the demo chain: each store's channel codes, and the follows that brought in its followers.

Every store gets a door poster, a code per clerk and a Mid-Autumn community event. The customers whose
source is "follow" followed their home store through one of them on the day they became customers, with
scans beside the follows, so that the acquisition report has channels, clerks and a campaign to compare.
Rows keep what the live flow keeps: one follow per customer and store, one touch per follow event, the
codes' running counters equal to their touches, and the scan sampler's watermarks at the codes' counts.
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
CHUNK = 50_000


async def fill(store_ids: list[int], now: dt.datetime, seed: int, copy_rows: CopyRows) -> int:
    """Channels for every store and follows for the customers who came by following; returns the follows made."""
    rng = random.Random(seed ^ 0xF0110)
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

    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])  # channel -> [scans, follows]
    scans_by_day: dict[tuple[dt.date, int], int] = defaultdict(int)
    made, last_id = 0, 0
    while True:
        customers = await raw("SELECT id, home_store, responsible_clerk, created_at FROM customer "
                              "WHERE source = 'follow' AND id > {} ORDER BY id LIMIT {}", last_id, CHUNK)
        if not customers:
            break
        last_id = customers[-1]["id"]
        follows, touches, events = [], [], []
        for customer in customers:
            store_id = customer["home_store"]
            if store_id not in channels:
                continue
            channel = _pick(rng, channels[store_id], customer["responsible_clerk"])
            at = customer["created_at"]
            store_name, zone = stores[store_id]
            follows.append((customer["id"], store_id, channel["id"], channel["staff"], channel["campaign"], at,
                            channel["id"], channel["staff"], channel["campaign"], at, 1))
            touches.append((customer["id"], store_id, channel["id"], channel["staff"], channel["campaign"], True, True, at))
            events.append((customer["id"], at, "followed", "web", store_id, channel["staff"],
                           json.dumps({"channel": channel["name"], "store": store_name}, ensure_ascii=False),
                           "channel", str(channel["id"])))
            scans = 1 + (rng.random() < 0.6) + (rng.random() < 0.3)  # scanned, sometimes more than once, then followed
            counts[channel["id"]][0] += scans
            counts[channel["id"]][1] += 1
            at_utc = at if at.tzinfo else at.replace(tzinfo=dt.timezone.utc)
            scans_by_day[(at_utc.astimezone(zone).date(), channel["id"])] += scans
        await copy_rows("follow", ("customer", "store", "first_channel", "first_staff", "first_campaign", "first_at",
                                   "last_channel", "last_staff", "last_campaign", "last_at", "touches"), follows)
        await copy_rows("follow_touch", ("customer", "store", "channel", "staff", "campaign", "new_customer",
                                         "new_follower", "at"), touches)
        await copy_rows("timeline_event", ("customer", "at", "kind", "channel", "store_id", "staff_id", "data",
                                           "ref_type", "ref_id"), events)
        made += len(follows)
    store_of = {c["id"]: store_id for store_id, listed in channels.items() for c in listed}
    await copy_rows("report_channel_day", ("day", "channel_id", "store_id", "scans"),
                    [(day, channel_id, store_of[channel_id], scans) for (day, channel_id), scans in scans_by_day.items()])
    for channel_id, (scans, follows) in counts.items():
        await raw("UPDATE channel SET scans = {}, follows = {}, new_customers = {} WHERE id = {}",
                  scans, follows, follows, channel_id)
    watermarks = json.dumps({str(channel_id): scans for channel_id, (scans, _) in counts.items()})
    await raw("INSERT INTO report_rollup (name, watermarks) VALUES ('scans', {}) "
              "ON CONFLICT (name) DO UPDATE SET watermarks = excluded.watermarks", watermarks)
    return made


def _pick(rng: random.Random, listed: list[dict], clerk_id: int | None) -> dict:
    """Mostly the responsible clerk's own code, else the door poster or the event."""
    own = [c for c in listed if c["staff"] == clerk_id and c["kind"] == "clerk"]
    roll = rng.random()
    if own and roll < 0.55:
        return own[0]
    if roll < 0.85:
        return next(c for c in listed if c["kind"] == "store")
    return next(c for c in listed if c["kind"] == "event")
