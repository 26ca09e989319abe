"""Message templates (Jinja2, sandboxed: managers write them) and signed unsubscribe links."""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import hmac
from typing import Any

from jinja2 import StrictUndefined, Template, TemplateError, pass_context
from jinja2.runtime import Context
from jinja2.sandbox import SandboxedEnvironment

from regulars.care import messages  # noqa: F401  (registers the room's messages)
from regulars.care.schemas import MessageAction, TaskAction
from regulars.core.errors import BadInput
from regulars.core.i18n import DEFAULT_LANGUAGE, LANGUAGES, t
from regulars.settings import get_settings

_env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, trim_blocks=True)
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December")


@pass_context
def _day(context: Context, value: Any) -> str:
    """`{{ contract_end_on | day }}`: a date field as it is said, 2027年10月15日 or 15 October 2027."""
    try:
        day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    except ValueError:
        return str(value)  # empty (the field is not filled) or not a date: as it is
    if context.get("lang") == "en":
        return f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"
    return f"{day.year}年{day.month}月{day.day}日"


_env.filters["day"] = _day

# The fields a template may use, with the sample values it is checked against when saved (and `lang`, the
# language it is written in, which the `day` filter reads).
SAMPLE: dict[str, Any] = {
    "name": "张三", "store_name": "示例营业厅", "clerk_name": "李四", "phone_tail": "1234", "plan": "5G 畅享 199",
    "device_model": "Mate 60", "contract_end_on": "2027-10-15", "device_purchased_on": "2025-09-15",
    "occasion_date": "2027-09-15", "campaign": "生日关怀", "unsubscribe_url": "https://example.invalid/u/x",
    "coupon_name": "生日礼券", "coupon_code": "8F3K-Q2ZD-X7", "coupon_last_day": "2027-10-15", "points_added": 100,
}


def action_fields(answer: dict[str, Any], lang: str) -> dict[str, Any]:
    """What the actions gave, for the message: the coupon's name, code and last day, the points added."""
    coupon = answer.get("coupon") or {}
    names = coupon.get("name") or {}
    return {
        "coupon_name": names.get(lang) or names.get(DEFAULT_LANGUAGE, "") if isinstance(names, dict) else "",
        "coupon_code": coupon.get("code", ""),
        "coupon_last_day": coupon.get("last_day", ""),
        "points_added": (answer.get("points") or {}).get("points", 0) if "refused" not in (answer.get("points") or {}) else 0,
    }


@functools.lru_cache(maxsize=512)
def _compiled(source: str) -> Template:
    template = _env.from_string(source)
    # Jinja keeps a template's globals as a ChainMap over the environment's and copies them into every render's
    # context; a plain dict is copied in one step (a push fan-out renders two templates per message)
    template.globals = dict(template.globals)
    return template


def render(source: str, context: dict[str, Any]) -> str:
    return _compiled(source).render(**context).strip()


def check_message(action: MessageAction | None) -> None:
    if action is None:
        return
    _check_languages(action.templates)
    for lang, text in action.templates.items():
        _check(text.title, lang, "title")
        _check(text.body, lang, "body")


def check_task(action: TaskAction | None) -> None:
    if action is None:
        return
    _check_languages(action.script)
    for lang, script in action.script.items():
        _check(script, lang, "script")


def _check_languages(templates: dict[str, Any]) -> None:
    if DEFAULT_LANGUAGE not in templates or any(lang not in LANGUAGES for lang in templates):
        raise BadInput("care.template_language", field="templates")


def _check(source: str, lang: str, part: str) -> None:
    try:
        render(source, SAMPLE | {"lang": lang})
    except TemplateError as exc:
        raise BadInput("care.template_invalid", field=f"templates.{lang}.{part}", language=lang, part=part,
                       problem=str(exc)[:200])


def written_in(templates: dict[str, Any], lang: str) -> str:
    """The language of the template used for a reader of `lang`: theirs if the campaign has it, else the default."""
    return lang if templates.get(lang) else DEFAULT_LANGUAGE


def script(action: TaskAction, lang: str, context: dict[str, Any]) -> str:
    """A clerk task's script for a customer of `lang`."""
    used = written_in(action.script, lang)
    return render(action.script[used], context | {"lang": used})


def message_text(action: MessageAction, lang: str, context: dict[str, Any], marketing: bool) -> tuple[str, str]:
    """Title and body for one customer; marketing bodies always end with the unsubscribe link."""
    used = written_in(action.templates, lang)
    chosen, context = action.templates[used], context | {"lang": used}
    body = render(chosen.body, context)
    if marketing and context["unsubscribe_url"] not in body:
        body = f"{body}\n{t('care.unsubscribe_line', lang, url=context['unsubscribe_url'])}"
    return render(chosen.title, context), body


def greeting_name(name: str | None, lang: str) -> str:
    return name or t("care.greeting_name", lang)


# unsubscribe links ------------------------------------------------------------------------


def _signature(customer_id: int, campaign_id: int) -> str:
    key = get_settings().secret_key.encode()
    digest = hmac.new(key, f"care.unsubscribe:{customer_id}:{campaign_id}".encode(), hashlib.sha256).digest()
    return base64.b32encode(digest[:10]).decode().lower()


def unsubscribe_token(customer_id: int, campaign_id: int) -> str:
    return f"{customer_id:x}-{campaign_id:x}-{_signature(customer_id, campaign_id)}"


def read_unsubscribe_token(token: str) -> tuple[int, int] | None:
    """(customer id, campaign id) from a token this installation signed; None for anything else."""
    try:
        customer_hex, campaign_hex, signature = token.split("-")
        customer_id, campaign_id = int(customer_hex, 16), int(campaign_hex, 16)
    except ValueError:
        return None
    if not hmac.compare_digest(signature, _signature(customer_id, campaign_id)):
        return None
    return customer_id, campaign_id


def unsubscribe_url(customer_id: int, campaign_id: int) -> str:
    return f"{get_settings().public_base_url}/u/{unsubscribe_token(customer_id, campaign_id)}"
