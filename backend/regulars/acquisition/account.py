"""What a customer does for themselves from the wallet: see it, marketing consent, export, ask for erasure."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec

from regulars.core import clock, ratelimit
from regulars.core.auth import Principal
from regulars.core.db import writing
from regulars.core.i18n import t
from regulars.coupons import codes as coupon_codes
from regulars.coupons import rules as coupon_rules
from regulars.coupons import service as coupons
from regulars.coupons import templates as coupon_templates
from regulars.customers import privacy, retention
from regulars.customers import rules as customer_rules
from regulars.customers import service as customers
from regulars.customers.schemas import ConsentGrant
from regulars.messaging import inbox
from regulars.points import schemas as point_schemas
from regulars.points import service as points
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


class WalletCoupon(msgspec.Struct):
    """A coupon as the wallet shows it: what it is worth, until when, its terms, its QR and typed code."""

    id: int
    template_id: int
    scope: str
    issued_store_id: int
    code: str
    code_shown: str
    qr_svg: str
    name_zh: str
    name_en: str
    kind: str
    amount_off_fen: int | None
    percent_off: int | None
    max_off_fen: int | None
    item: str
    min_spend_fen: int
    valid_from: dt.datetime
    valid_until: dt.datetime
    terms_zh: str
    terms_en: str
    state: str
    redeemed_at: dt.datetime | None


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
    coupons: list[WalletCoupon]
    past_coupons: list[WalletCoupon]
    points: int
    points_expiry: list[point_schemas.Expiry]
    points_history: list[point_schemas.Entry]
    language: str = "zh-CN"


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
    held, now = await wallet_coupons(customer_id), clock.now()
    await coupons.mark_seen([c.id for c in held if c.state == "issued" and c.valid_until > now])  # the coupon funnel's "seen"
    zone = await stores.store_timezone(profile.home_store_id)
    return WalletView(
        customer_id=customer_id, name=profile.name, phone_masked=profile.phone_masked, marketing=profile.consent.marketing,
        stores=found, inbox=await inbox.customer_inbox(customer_id, limit=20), has_push=await messaging.has_push(customer_id),
        deletion_due=pending.due_at if pending else None,
        timezone=zone,
        referral_link=link, referral_qr_svg=qr.svg(link).decode(), referred=(await referral.summary(customer_id))[0],
        coupons=sorted((c for c in held if c.state == "issued" and c.valid_until > now), key=lambda c: c.valid_until),
        past_coupons=[c for c in held if not (c.state == "issued" and c.valid_until > now)][:5],
        points=await points.balance(customer_id), points_expiry=await points.upcoming_expiry(customer_id, zone, limit=3),
        points_history=list(reversed((await points.entries_of(customer_id))[-10:])),
        language=profile.language,
    )


async def wallet_coupons(customer_id: int) -> list[WalletCoupon]:
    """The customer's coupons, newest first, with their templates' terms."""
    page = await coupons.of_customer(None, customer_id, limit=100, offset=0)
    terms: dict[int, tuple[str, str]] = {}
    found = []
    for c in page.items:
        if c.template_id not in terms:
            template = await coupon_templates.get(None, c.template_id)
            terms[c.template_id] = (template.terms_zh, template.terms_en)
        found.append(WalletCoupon(
            id=c.id, template_id=c.template_id, scope=c.scope, issued_store_id=c.issued_store_id, code=c.code,
            code_shown=coupon_rules.format_code(c.code), qr_svg=coupon_codes.qr_svg(c.code).decode(),
            name_zh=c.name_zh, name_en=c.name_en, kind=c.kind, amount_off_fen=c.amount_off_fen,
            percent_off=c.percent_off, max_off_fen=c.max_off_fen, item=c.item, min_spend_fen=c.min_spend_fen,
            valid_from=c.valid_from, valid_until=c.valid_until, terms_zh=terms[c.template_id][0],
            terms_en=terms[c.template_id][1], state=c.state, redeemed_at=c.redeemed_at,
        ))
    return found


async def set_marketing(customer_id: int, granted: bool) -> None:
    profile = await customers.detail(customer_id)
    if profile.consent.marketing == granted:
        return
    await customers.record_consent(customer_id, ConsentGrant(purpose="marketing", granted=granted,
                                                             notice_version=rules.NOTICE_VERSION),
                                   channel="wallet", actor=None, store_id=profile.home_store_id)


async def set_language(customer_id: int, language: str) -> None:
    await customers.set_language(customer_id, language)


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
