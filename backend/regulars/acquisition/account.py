"""What a customer does for themselves from the wallet: see it, marketing consent, export, ask for erasure."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec

from regulars.core import clock, ratelimit
from regulars.core.auth import Principal
from regulars.core.db import writing
from regulars.core.i18n import t
from regulars.customers import privacy, retention
from regulars.customers import rules as customer_rules
from regulars.customers import service as customers
from regulars.customers.schemas import ConsentGrant
from regulars.messaging import inbox
from regulars.messaging import service as messaging
from regulars.acquisition import messages  # noqa: F401  (registers the room's messages)
from regulars.acquisition import qr, referral, rules
from regulars.settings import get_settings
from regulars.stores import service as stores

EXPORTS_PER_DAY = 5


def erasure_days() -> int:
    return get_settings().erasure_deadline_days


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
    referral_link: str
    referral_qr_svg: str
    referred: int


async def view(customer_id: int) -> WalletView:
    profile = await customers.detail(customer_id)
    store_ids = await customers.store_ids(customer_id)
    ordered = [profile.home_store_id] + [s for s in store_ids if s != profile.home_store_id]
    found = []
    for store_id in ordered:
        store = await stores.get_store(store_id)
        found.append(WalletStore(id=store.id, name=store.name, address=store.address, home=store_id == profile.home_store_id))
    pending = await retention.pending_request(customer_id)
    link = referral.link(await referral.code_of(customer_id))
    return WalletView(
        customer_id=customer_id, name=profile.name, phone_masked=profile.phone_masked, marketing=profile.consent.marketing,
        stores=found, inbox=await inbox.customer_inbox(customer_id, limit=20), has_push=await messaging.has_push(customer_id),
        deletion_due=pending.due_at if pending else None,
        timezone=await stores.store_timezone(profile.home_store_id),
        referral_link=link, referral_qr_svg=qr.svg(link).decode(), referred=(await referral.summary(customer_id))[0],
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


async def _managers(store_id: int) -> list[int]:
    """The active managers of a store (asked as that store's manager would see its staff)."""
    viewer = Principal(staff_id=0, username="system", display_name="system", role="manager", store_id=store_id)
    return [s.id for s in await stores.list_staff(viewer) if s.role == "manager" and s.active]


async def request_deletion(customer_id: int) -> dt.datetime:
    """Queues erasure through the customers room (done by its job before the legal deadline); tells the managers."""
    profile = await customers.detail(customer_id)
    request = await retention.request_erasure(customer_id, "wallet")
    zone = await stores.store_timezone(profile.home_store_id)
    shown = clock.local(request.due_at, zone).strftime("%Y-%m-%d %H:%M")
    for manager_id in await _managers(profile.home_store_id):
        await inbox.deliver_staff_inbox(
            manager_id, t("acquisition.deletion_alert_title"),
            t("acquisition.deletion_alert_body", phone=customer_rules.mask_phone(profile.phone), id=customer_id, due=shown),
            store_id=profile.home_store_id, kind="privacy", ref_type="customer", ref_id=customer_id,
            dedupe_key=f"erasure:{request.id}:{manager_id}",
        )
    return request.due_at
