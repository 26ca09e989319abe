"""What the dispatcher needs about a claimed batch, loaded once: campaigns, customers, stores, clerks,
who each channel can reach; and the messages and task scripts rendered from it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import msgspec

from regulars.care import channels, reference, rules, schemas, templates
from regulars.core import clock
from regulars.core.auth import Principal
from regulars.core.db import raw
from regulars.core.i18n import DEFAULT_LANGUAGE, LANGUAGES
from regulars.settings import get_settings
from regulars.stores import service as stores

SYSTEM = Principal(staff_id=0, username="care", display_name="care", role="admin", store_id=None)
URGENCY = {"marketing": "low", "service": "normal"}


@dataclass
class Row:
    id: int
    customer: int
    campaign: int
    occasion_date: dt.date
    store_id: int
    clerk_id: int | None
    status: str
    priority: int
    expires_at: dt.datetime
    attempts: int
    channel: str | None
    contacted_at: dt.datetime | None
    answer: dict | None

    @classmethod
    def of(cls, found: dict) -> "Row":
        values = dict(found)
        values["expires_at"] = clock.aware(values["expires_at"])
        values["contacted_at"] = clock.aware(values["contacted_at"]) if values["contacted_at"] else None
        if isinstance(values["occasion_date"], str):
            values["occasion_date"] = dt.date.fromisoformat(values["occasion_date"])
        values["answer"] = msgspec.json.decode(values["answer"]) if values["answer"] else None
        return cls(**values)


def _marks(values: Any) -> str:
    return ", ".join("{}" for _ in values) or "NULL"


@dataclass
class Batch:
    now: dt.datetime
    rows: list[Row]
    campaigns: dict[int, dict] = field(default_factory=dict)
    customers: dict[int, dict] = field(default_factory=dict)
    stores: dict[int, dict] = field(default_factory=dict)
    clerks: dict[int, Any] = field(default_factory=dict)
    reachable: dict[str, set[int]] = field(default_factory=dict)
    cap: dict = field(default_factory=dict)
    actions: dict[tuple[int, str], Any] = field(default_factory=dict)

    @classmethod
    async def load(cls, found: list[dict], now: dt.datetime) -> "Batch":
        batch = cls(now=now, rows=[Row.of(r) for r in found])
        campaign_ids = sorted({r.campaign for r in batch.rows})
        customer_ids = sorted({r.customer for r in batch.rows})
        store_ids = sorted({r.store_id for r in batch.rows})
        for found_row in await raw(f"SELECT * FROM care_campaign WHERE id IN ({_marks(campaign_ids)})", *campaign_ids):
            row = dict(found_row)
            for name in ("message", "task", "channels", "occasion_params", "tags"):
                if isinstance(row[name], str):
                    row[name] = msgspec.json.decode(row[name])
            batch.campaigns[row["id"]] = row
        batch.customers = {r["id"]: r for r in await raw(
            "SELECT id, name, phone, plan, device_model, contract_end_on, device_purchased_on, language FROM customer "
            f"WHERE id IN ({_marks(customer_ids)})", *customer_ids)}
        batch.stores = {r["id"]: r for r in await raw(
            f"SELECT id, name, timezone FROM store WHERE id IN ({_marks(store_ids)})", *store_ids)}
        batch.clerks = {s.id: s for s in await stores.list_staff(SYSTEM)}
        wanted = {name for c in batch.campaigns.values() for name in (c["channels"] or []) if c["message"]}
        for name in wanted:
            channel = channels.get(name)
            if channel is not None:
                batch.reachable[name] = set(await channel.reachable(customer_ids))
        batch.cap = await reference.effective(None)
        return batch

    def zone(self, store_id: int) -> str:
        store = self.stores.get(store_id)
        return store["timezone"] if store else get_settings().timezone

    def quiet(self, campaign: dict) -> tuple[dt.time, dt.time]:
        return rules.parse_time(campaign["quiet_start"]), rules.parse_time(campaign["quiet_end"])

    def clerk_for(self, row: Row) -> int | None:
        clerk = self.clerks.get(row.clerk_id) if row.clerk_id else None
        return clerk.id if clerk is not None and clerk.active and clerk.store_id == row.store_id else None

    def context(self, row: Row, campaign: dict, lang: str) -> dict[str, Any]:
        customer = self.customers.get(row.customer) or {}
        clerk = self.clerks.get(self.clerk_for(row) or -1)
        phone = customer.get("phone") or ""
        return {
            "name": templates.greeting_name(customer.get("name"), lang),
            "store_name": (self.stores.get(row.store_id) or {}).get("name", ""),
            "clerk_name": clerk.display_name if clerk else "",
            "phone_tail": phone[-4:],
            "plan": customer.get("plan") or "",
            "device_model": customer.get("device_model") or "",
            "contract_end_on": str(customer.get("contract_end_on") or ""),
            "device_purchased_on": str(customer.get("device_purchased_on") or ""),
            "occasion_date": row.occasion_date.isoformat(),
            "campaign": campaign["name"],
            "unsubscribe_url": templates.unsubscribe_url(row.customer, campaign["id"]),
        } | templates.action_fields(row.answer or {}, lang)

    def language(self, row: Row) -> str:
        """The customer's own language for what is sent to them (the chain's default if unset or unknown)."""
        chosen = (self.customers.get(row.customer) or {}).get("language")
        return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE

    def _base(self, row: Row, campaign: dict, title: str, body: str, url: str | None, lang: str) -> channels.Message:
        ttl = max(int((row.expires_at - self.now).total_seconds()), 60)
        return channels.Message(
            outbox_id=row.id, customer_id=row.customer, store_id=row.store_id, campaign_id=campaign["id"],
            lang=lang, title=title, body=body, url=url, topic=channels.topic_for(row.id),
            ttl_seconds=min(ttl, 28 * 86400), urgency=URGENCY.get(campaign["purpose"], "normal"),
            clerk_id=self.clerk_for(row), due_on=self.due_on(row, campaign),
            marketing=campaign["purpose"] == "marketing",
        )

    def message(self, row: Row, campaign: dict, channel: str) -> channels.Message:
        """The message for one channel; as a clerk task it reads as the script, without the unsubscribe line."""
        if channel == "task" and campaign["task"]:
            return self.task_message(row, campaign)
        action = self._action(campaign, "message", schemas.MessageAction)
        lang = self.language(row)
        context = self.context(row, campaign, lang)
        marketing = campaign["purpose"] == "marketing" and channel != "task"
        title, body = templates.message_text(action, lang, context, marketing)
        return self._base(row, campaign, title, body, action.url, lang)

    def task_message(self, row: Row, campaign: dict) -> channels.Message:
        """A clerk task's script, in the customer's language (what the clerk says to them)."""
        action = self._action(campaign, "task", schemas.TaskAction)
        lang = self.language(row)
        context = self.context(row, campaign, lang)
        script = templates.script(action, lang, context)
        return self._base(row, campaign, campaign["name"], script, None, lang)

    def _action(self, campaign: dict, part: str, kind: type) -> Any:
        """A campaign's message or task, converted once per batch."""
        key = (campaign["id"], part)
        found = self.actions.get(key)
        if found is None:
            found = self.actions[key] = msgspec.convert(campaign[part], kind)
        return found

    def due_on(self, row: Row, campaign: dict) -> dt.date:
        days = (campaign["task"] or {}).get("due_days", 2) if isinstance(campaign["task"], dict) else 2
        return clock.today_in(self.zone(row.store_id), self.now) + dt.timedelta(days=days)
