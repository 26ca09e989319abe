"""Rendering of the public customer pages: language, security headers, and the friendly error pages."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, NotFoundException, PermissionDeniedException, ValidationException
from litestar.response import Template

from regulars.core import clock, observability, ratelimit, validation
from regulars.core.db import writing
from regulars.core.errors import DomainError, TooManyRequests
from regulars.core.http import client_ip, language
from regulars.core.i18n import t
from regulars.pages import messages  # noqa: F401  (registers the pages' texts)

# Wallet URLs carry a bearer token: no Referer may ever leak it, no cache may keep the page.
HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
        "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
}
MISS_WINDOW = dt.timedelta(hours=1)
log = logging.getLogger("regulars")


def render(request: Request, template: str, *, status: int = 200, headers: dict | None = None,
           zone: str = "Asia/Shanghai", cookies: list | None = None, **context: Any) -> Template:
    lang = language(request)

    def when(moment: dt.datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
        return clock.local(moment, zone).strftime(fmt) if moment else ""

    def until(moment: dt.datetime) -> str:
        """An end of validity: one that falls at midnight reads as the whole of the day before."""
        local = clock.local(moment, zone)
        if local.time() == dt.time(0):
            return (local - dt.timedelta(days=1)).strftime("%Y-%m-%d")
        return local.strftime("%Y-%m-%d %H:%M")

    return Template(
        template_name=template,
        context={"lang": lang, "_": lambda key, **params: t(key, lang, **params), "when": when, "until": until,
                 "coupon_value": lambda c: coupon_value(c, lang), "coupon_condition": lambda c: coupon_condition(c, lang),
                 "points_label": lambda e: points_label(e, lang), "yuan": yuan,
                 **context},
        status_code=status,
        headers={**HEADERS, **(headers or {})},
        cookies=cookies,
        media_type="text/html",
    )


def yuan(fen: int) -> str:
    """Whole yuan as they are ("20"), anything else with both decimals ("300.50")."""
    return f"{fen // 100}" if fen % 100 == 0 else f"{fen // 100}.{fen % 100:02d}"


def coupon_value(coupon: Any, lang: str) -> str:
    """What a coupon is worth, as a customer reads it."""
    if coupon.kind == "amount_off" and coupon.amount_off_fen:
        return t("page.coupon.amount_off", lang, yuan=yuan(coupon.amount_off_fen))
    if coupon.kind == "percent_off" and coupon.percent_off:
        discount = f"{(100 - coupon.percent_off) / 10:g}"
        text = t("page.coupon.percent_off", lang, discount=discount, percent=coupon.percent_off)
        if coupon.max_off_fen:
            text += " · " + t("page.coupon.max_off", lang, yuan=yuan(coupon.max_off_fen))
        return text
    return coupon.item


def coupon_condition(coupon: Any, lang: str) -> str:
    if coupon.min_spend_fen:
        return t("page.coupon.min_spend", lang, yuan=yuan(coupon.min_spend_fen))
    return t("page.coupon.no_min", lang)


POINT_LABELS = {"purchase", "follow", "referral", "profile_completed", "exchange", "refund", "adjust", "grant"}


def points_label(entry: Any, lang: str) -> str:
    """What a ledger entry was, as a customer reads it."""
    if entry.kind == "expire":
        return t("page.points.expire", lang)
    for name in (entry.reason, entry.source_kind):
        if name in POINT_LABELS:
            return t(f"page.points.{name}", lang)
    return t("page.points.other", lang)


def message_page(request: Request, status: int, title_key: str, body: str, headers: dict | None = None) -> Template:
    return render(request, "message.html", status=status, headers=headers, title=t(title_key, language(request)),
                  body=body)


def not_found_page(request: Request, kind: str) -> Template:
    """One page for every unknown, closed or malformed code (or token): nothing tells them apart."""
    lang = language(request)
    if kind == "wallet":
        return message_page(request, 404, "page.wallet_missing.title", t("page.wallet_missing.body", lang))
    return message_page(request, 404, "page.closed.title", t("page.closed.body", lang))


def too_many_page(request: Request, exc: TooManyRequests) -> Template:
    lang = language(request)
    text = t(exc.key, lang, retry_after=exc.retry_after, **exc.params)
    return message_page(request, 429, "page.too_many.title", text, headers={"Retry-After": str(exc.retry_after)})


def miss_key(request: Request) -> str:
    return f"public-miss:{client_ip(request) or '-'}"


async def check_misses(request: Request) -> None:
    """Refuses (429) a client that has tried too many unknown codes or tokens."""
    await ratelimit.check(miss_key(request), message="error.too_many")


async def count_miss(request: Request) -> None:
    async with writing():
        await ratelimit.fail(miss_key(request), free=30, window=MISS_WINDOW, per_window=300)


def on_page_error(request: Request, exc: Exception) -> Response | Template:
    """Errors on a customer page answer with a page, not JSON."""
    lang = language(request)
    if isinstance(exc, TooManyRequests):
        return too_many_page(request, exc)
    if isinstance(exc, DomainError):
        return message_page(request, exc.status_code, "page.error.title", t(exc.key, lang, **exc.params))
    if isinstance(exc, PermissionDeniedException):
        return message_page(request, 403, "page.csrf.title", t("page.csrf.body", lang))
    if isinstance(exc, NotFoundException):
        return message_page(request, 404, "page.error.title", t("error.not_found", lang))
    if isinstance(exc, ValidationException) and isinstance(exc.extra, list) and exc.extra:
        first = exc.extra[0]
        explained = validation.explain(str(first.get("key") or ""), str(first.get("message", "")), lang)
        return message_page(request, 400, "page.error.title", explained["message"])
    if isinstance(exc, HTTPException):
        return message_page(request, exc.status_code, "page.error.title", t("error.bad_request", lang))
    # the route template: the raw path carries wallet tokens and channel codes
    log.exception("unhandled error on %s %s", request.method, observability.route_template(request.scope))
    return message_page(request, 500, "page.error.title", t("error.internal", lang))


# ValidationException too: the app-wide handler of that class would otherwise answer a customer page with JSON
PAGE_ERRORS = {DomainError: on_page_error, HTTPException: on_page_error, ValidationException: on_page_error,
               Exception: on_page_error}
