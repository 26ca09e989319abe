"""Personal-data export and erasure (PIPL), open to other rooms through registered sections."""

from __future__ import annotations

from typing import Any, Awaitable, Callable

import msgspec

from regulars.core import audit, clock, idempotency
from regulars.core.auth import Principal
from regulars.core.db import raw, writing
from regulars.customers import service
from regulars.customers.tables import Consent, Customer, CustomerTag, TimelineEvent

ExportSection = Callable[[int], Awaitable[Any]]
ErasureHook = Callable[[int], Awaitable[None]]

_export_sections: dict[str, ExportSection] = {}
_erasure_hooks: list[ErasureHook] = []


def register_export_section(name: str, section: ExportSection) -> None:
    """Another room adds what it holds about a customer to the export."""
    _export_sections[name] = section


def register_erasure_hook(hook: ErasureHook) -> None:
    """Another room removes what identifies the customer in its tables, inside the erasure transaction."""
    _erasure_hooks.append(hook)


async def export(actor: Principal | None, customer_id: int, *, by_customer: bool = False) -> dict[str, Any]:
    """Everything held about the customer, as plain JSON-ready data; audited."""
    if actor is not None:
        await service.reachable(actor, customer_id)
    profile = await service.detail(customer_id)
    consents = await Consent.select().where(Consent.customer == customer_id).order_by(Consent.at)
    events = await (
        TimelineEvent.select().where(TimelineEvent.customer == customer_id)
        .order_by(TimelineEvent.at).output(load_json=True)
    )
    document: dict[str, Any] = {
        "exported_at": clock.now().isoformat(),
        "profile": msgspec.to_builtins(profile),
        "consents": [_plain(c) for c in consents],
        "timeline": [_plain(e) for e in events],
    }
    for name, section in _export_sections.items():
        document[name] = msgspec.to_builtins(await section(customer_id))
    async with writing():
        await audit.record(actor, "customer.export", "customer", customer_id,
                           actor_kind="customer" if by_customer else None,
                           actor_id=customer_id if by_customer else None)
    return document


def _plain(row: dict) -> dict:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in row.items()}


async def erase(actor: Principal | None, customer_id: int, *, reason: str = "request") -> None:
    """Anonymises the profile: identifying data goes, anonymous facts for aggregates stay."""
    async with writing():
        if actor is not None:
            await service.reachable(actor, customer_id)
        else:
            row = await Customer.select(Customer.erased_at).where(Customer.id == customer_id).first()
            if row is None or row["erased_at"] is not None:
                return
        now = clock.now()
        touched = (await raw("SELECT updated_at FROM customer WHERE id = {}", customer_id))[0]["updated_at"]
        await Customer.update(
            {
                Customer.phone: None, Customer.phone_tail: None, Customer.name: "", Customer.gender: None,
                Customer.birth_calendar: None, Customer.birth_year: None, Customer.birth_month: None,
                Customer.birth_day: None, Customer.birth_leap_month: False, Customer.occupation: "",
                Customer.interests: [], Customer.device_model: "", Customer.notes: "",
                Customer.source_detail: "", Customer.consent_marketing: False, Customer.consent_service: False,
                Customer.erased_at: now, Customer.updated_at: now, Customer.completeness: 0,
            }
        ).where(Customer.id == customer_id)
        await CustomerTag.delete().where(CustomerTag.customer == customer_id)
        # Kinds and times stay for the anonymous counts; what was said or typed goes.
        await raw("UPDATE timeline_event SET data = {} WHERE customer = {}", "{}", customer_id)
        # The stored answers to the profile's creation and edits repeat it (phone, name, birthday): they go too.
        # Each of those writes set `updated_at`, so a profile untouched for longer than keys are kept has none.
        if clock.aware(touched) > now - idempotency.KEEP:
            await idempotency.forget_answers("customers.", f'{{"id":{customer_id},')
        for hook in _erasure_hooks:
            await hook(customer_id)
        await audit.record(actor, "customer.erase", "customer", customer_id, detail={"reason": reason},
                           actor_kind=None if actor else "system")
