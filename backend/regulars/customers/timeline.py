"""The customer's timeline: every contact and change, from any room, newest first."""

from __future__ import annotations

import json
from typing import Any

from regulars.core import clock
from regulars.core.db import marks, raw
from regulars.core.i18n import t
from regulars.customers.schemas import TimelineItem
from regulars.customers.tables import TimelineEvent


COLUMNS = "customer, at, kind, channel, store_id, staff_id, data, ref_type, ref_id"
INSERT = f"INSERT INTO timeline_event ({COLUMNS}) VALUES ({marks(9)})"


def values(
    customer_id: int,
    kind: str,
    *,
    channel: str = "store",
    store_id: int | None = None,
    staff_id: int | None = None,
    data: dict[str, Any] | None = None,
    ref_type: str | None = None,
    ref_id: Any = None,
) -> list[Any]:
    """One event's values, in the order of COLUMNS: for a statement that writes the event beside its cause."""
    return [customer_id, clock.now(), kind, channel, store_id, staff_id, json.dumps(data or {}, default=str), ref_type,
            None if ref_id is None else str(ref_id)]


async def add(customer_id: int, kind: str, **fields: Any) -> None:
    """Appends one event (the fields of `values`); rooms call this inside their own write transaction."""
    await raw(INSERT, *values(customer_id, kind, **fields))


async def restate(customer_id: int, kind: str, ref_type: str, changes: dict[int, dict[str, Any]]) -> None:
    """Sets new values in the data of the customer's `kind` events about these records (ref id -> values), in the
    caller's write unit: for a fact that changed later, such as a purchase's number after a back-dated entry."""
    if not changes:
        return
    rows = await raw(f"SELECT id, ref_id, data FROM timeline_event WHERE customer = {{}} AND kind = {{}} "
                     f"AND ref_type = {{}} AND ref_id IN ({marks(len(changes))})",
                     customer_id, kind, ref_type, *(str(i) for i in changes))
    for row in rows:
        data = row["data"] if isinstance(row["data"], dict) else json.loads(row["data"] or "{}")
        await raw("UPDATE timeline_event SET data = {} WHERE id = {}",
                  json.dumps(data | changes[int(row["ref_id"])], default=str), row["id"])


def _word(prefix: str, value: Any, lang: str) -> str:
    key = f"{prefix}{value}"
    shown = t(key, lang)
    return str(value) if shown == key else shown


# data values that are words of the product (stored as codes, shown in the reader's language): kind -> key -> prefix;
# a value listing several codes ("name, plan") is shown word by word
WORDS = {"consent": {"purpose": "consent.purpose.", "state": "consent.state."}, "updated": {"fields": "profile.field."},
         "care_contact": {"channel": "care.channel."}, "care_task": {"outcome": "care.outcome."},
         "care_task_corrected": {"before": "care.outcome.", "outcome": "care.outcome."}}


def summary(kind: str, data: dict[str, Any], lang: str) -> str:
    shown = dict(data)
    for key, prefix in WORDS.get(kind, {}).items():
        if key in shown:
            words = [_word(prefix, code, lang) for code in str(shown[key]).split(", ") if code]
            shown[key] = ("、" if lang == "zh-CN" else ", ").join(words)
    return t(f"timeline.{kind}", lang, **shown)


async def page(customer_id: int, lang: str, limit: int, offset: int) -> list[TimelineItem]:
    rows = await (
        TimelineEvent.select()
        .where(TimelineEvent.customer == customer_id)
        .order_by(TimelineEvent.at, ascending=False)
        .order_by(TimelineEvent.id, ascending=False)
        .limit(limit)
        .offset(offset)
        .output(load_json=True)
    )
    return [
        TimelineItem(
            id=r["id"],
            at=clock.aware(r["at"]),
            kind=r["kind"],
            channel=r["channel"],
            store_id=r["store_id"],
            staff_id=r["staff_id"],
            summary=summary(r["kind"], r["data"] or {}, lang),
            data=r["data"] or {},
            ref_type=r["ref_type"],
            ref_id=r["ref_id"],
        )
        for r in rows
    ]


async def last_activity_by_staff(staff_ids: list[int]) -> dict[int, Any]:
    """The latest timeline event each staff member recorded (their last customer activity)."""
    if not staff_ids:
        return {}
    marks = ", ".join("{}" for _ in staff_ids)
    rows = await raw(f"SELECT staff_id, max(at) AS at FROM timeline_event WHERE staff_id IN ({marks}) GROUP BY staff_id",
                     *staff_ids)
    return {r["staff_id"]: clock.aware(r["at"]) for r in rows if r["at"] is not None}
