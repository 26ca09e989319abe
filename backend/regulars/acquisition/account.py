"""What a customer does for themselves from the wallet: see it, marketing consent, export, erasure request."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

import msgspec

from regulars.core import audit, clock, ratelimit
from regulars.core.db import raw, writing
from regulars.core.i18n import t
from regulars.customers import privacy
from regulars.customers import rules as customer_rules
from regulars.customers import service as customers
from regulars.customers import timeline
from regulars.customers.schemas import ConsentGrant
from regulars.messaging import inbox
from regulars.messaging import service as messaging
from regulars.acquisition import messages  # noqa: F401  (registers the room's messages)
from regulars.acquisition import rules
from regulars.stores import service as stores

ERASURE_GRACE = dt.timedelta(hours=float(os.environ.get("REGULARS_ERASURE_GRACE_HOURS", "72")))
EXPORTS_PER_DAY = 5


def erasure_days() -> int:
    return max(1, round(ERASURE_GRACE.total_seconds() / 86400))


class WalletStore(msgspec.Struct):
    id: int
    name: str
    address: str
    home: bool


class WalletView(msgspec.Struct):
    customer_id: int
    name: str
    phone_masked: str
    marketing: bool
    stores: list[WalletStore]
    inbox: inbox.InboxPage
    has_push: bool
    deletion_due: dt.datetime | None
    timezone: str


async def view(customer_id: int) -> WalletView:
    profile = await customers.detail(customer_id)
    followed = await raw(
        "SELECT store, relation FROM customer_store WHERE customer = {} ORDER BY relation = 'home' DESC, since",
        customer_id,
    )
    found = []
    for row in followed:
        store = await stores.get_store(row["store"])
        found.append(WalletStore(id=store.id, name=store.name, address=store.address, home=row["relation"] == "home"))
    pending = await raw("SELECT due_at FROM deletion_request WHERE customer = {} AND status = 'pending'", customer_id)
    return WalletView(
        customer_id=customer_id, name=profile.name, phone_masked=profile.phone_masked, marketing=profile.consent.marketing,
        stores=found, inbox=await inbox.customer_inbox(customer_id, limit=20), has_push=await messaging.has_push(customer_id),
        deletion_due=clock.aware(pending[0]["due_at"]) if pending else None,
        timezone=await stores.store_timezone(profile.home_store_id),
    )


async def set_marketing(customer_id: int, granted: bool) -> None:
    profile = await customers.detail(customer_id)
    if profile.consent.marketing == granted:
        return
    await customers.record_consent(customer_id, ConsentGrant(purpose="marketing", granted=granted,
                                                             notice_version=rules.NOTICE_VERSION),
                                   channel="wallet", actor=None, store_id=profile.home_store_id)


async def export(customer_id: int) -> dict[str, Any]:
    async with writing():
        await ratelimit.hit(f"wallet:export:{customer_id}", limit=EXPORTS_PER_DAY, window=dt.timedelta(days=1),
                            message="wallet.export_limit")
    return await privacy.export(None, customer_id, by_customer=True)


async def request_deletion(customer_id: int) -> dt.datetime:
    """Queues erasure after a grace period (the customer can still withdraw); tells the home store's managers."""
    now = clock.now()
    due = now + ERASURE_GRACE
    profile = await customers.detail(customer_id)
    async with writing():
        rows = await raw(
            "INSERT INTO deletion_request (customer, requested_at, status, channel, due_at) "
            "VALUES ({}, {}, 'pending', 'wallet', {}) ON CONFLICT (customer) WHERE status = 'pending' DO NOTHING "
            "RETURNING due_at",
            customer_id, now, due,
        )
        if not rows:
            existing = await raw("SELECT due_at FROM deletion_request WHERE customer = {} AND status = 'pending'",
                                 customer_id)
            return clock.aware(existing[0]["due_at"])
        zone = await stores.store_timezone(profile.home_store_id)
        shown = clock.local(due, zone).strftime("%Y-%m-%d %H:%M")
        await timeline.add(customer_id, "deletion_requested", channel="web", store_id=profile.home_store_id,
                           data={"due": shown})
        await audit.record(None, "customer.erasure_requested", "customer", customer_id, actor_kind="customer",
                           actor_id=customer_id, store_id=profile.home_store_id, detail={"due_at": due.isoformat()})
        managers = await raw("SELECT id FROM staff WHERE store = {} AND role = 'manager' AND active = {}",
                             profile.home_store_id, True)
        for manager in managers:
            await inbox.deliver_staff_inbox(
                manager["id"], t("acquisition.deletion_alert_title"),
                t("acquisition.deletion_alert_body", phone=customer_rules.mask_phone(profile.phone), id=customer_id,
                  due=shown),
                store_id=profile.home_store_id, kind="privacy", ref_type="customer", ref_id=customer_id,
                dedupe_key=f"erasure:{customer_id}:{now.date().isoformat()}:{manager['id']}",
            )
    return due


async def cancel_deletion(customer_id: int) -> None:
    async with writing():
        rows = await raw("UPDATE deletion_request SET status = 'cancelled', processed_at = {} "
                         "WHERE customer = {} AND status = 'pending' RETURNING id", clock.now(), customer_id)
        if rows:
            await timeline.add(customer_id, "deletion_cancelled", channel="web")
            await audit.record(None, "customer.erasure_cancelled", "customer", customer_id, actor_kind="customer",
                               actor_id=customer_id)


async def erase_due(now: dt.datetime | None = None, batch: int = 50) -> int:
    """Erases customers whose request's grace period is over; safe to run from any number of workers."""
    now = now or clock.now()
    due = await raw("SELECT id, customer FROM deletion_request WHERE status = 'pending' AND due_at <= {} "
                    "ORDER BY due_at LIMIT {}", now, batch)
    done = 0
    for row in due:
        async with writing():
            claimed = await raw("UPDATE deletion_request SET status = 'done', processed_at = {} "
                                "WHERE id = {} AND status = 'pending' RETURNING id", clock.now(), row["id"])
            if claimed:
                await privacy.erase(None, row["customer"], reason="customer_request")
                done += 1
    return done
