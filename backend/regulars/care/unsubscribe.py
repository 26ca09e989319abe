"""The unsubscribe link in every marketing message: a page that works without JavaScript."""

from __future__ import annotations

from jinja2 import Environment

from regulars.care import templates
from regulars.care.tables import Campaign
from regulars.core.db import raw, writing
from regulars.core.i18n import t
from regulars.customers import schemas as customer_schemas
from regulars.customers import service as customers
from regulars.customers import timeline

_PAGE = Environment(autoescape=True).from_string(
    """<!doctype html>
<html lang="{{ lang }}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title>
<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem;line-height:1.6}
button{font-size:1.1rem;padding:.6rem 1.2rem}</style></head>
<body><h1>{{ title }}</h1><p data-care-unsubscribe="{{ state }}">{{ text }}</p>
{% if state == "ask" %}<form method="post"><button type="submit">{{ button }}</button></form>{% endif %}
</body></html>"""
)


async def _target(token: str) -> tuple[int, dict, str] | None:
    found = templates.read_unsubscribe_token(token)
    if found is None:
        return None
    customer_id, campaign_id = found
    rows = await raw("SELECT c.id, c.erased_at, s.name AS store FROM customer c JOIN store s ON s.id = c.home_store "
                     "WHERE c.id = {}", customer_id)
    if not rows or rows[0]["erased_at"] is not None:
        return None
    campaign = await Campaign.select(Campaign.id, Campaign.name, Campaign.store).where(Campaign.id == campaign_id).first()
    return customer_id, campaign or {"id": campaign_id, "name": "", "store": None}, rows[0]["store"]


async def page(token: str, lang: str) -> tuple[int, str]:
    target = await _target(token)
    if target is None:
        return 404, _render(lang, "invalid", t("care.unsubscribe_invalid", lang))
    return 200, _render(lang, "ask", t("care.unsubscribe_question", lang, store=target[2]))


async def confirm(token: str, lang: str) -> tuple[int, str]:
    """Withdraws marketing consent (service notices continue) and notes which message's link it was."""
    target = await _target(token)
    if target is None:
        return 404, _render(lang, "invalid", t("care.unsubscribe_invalid", lang))
    customer_id, campaign, _store = target
    async with writing():
        await customers.record_consent(
            customer_id,
            customer_schemas.ConsentGrant(purpose="marketing", granted=False, notice_version="unsubscribe-link"),
            channel="web", actor=None, store_id=campaign["store"],
        )
        await timeline.add(customer_id, "care_unsubscribed", channel="web", store_id=campaign["store"],
                           data={"campaign": campaign["name"]}, ref_type="care_campaign", ref_id=campaign["id"])
    return 200, _render(lang, "done", t("care.unsubscribe_done", lang))


def _render(lang: str, state: str, text: str) -> str:
    return _PAGE.render(lang=lang, state=state, title=t("care.unsubscribe_title", lang), text=text,
                        button=t("care.unsubscribe_button", lang))
