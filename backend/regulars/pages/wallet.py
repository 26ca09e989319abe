"""The customer's wallet page GET /w/{token} and its privacy forms; GET /w opens it from the wallet cookie."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Redirect, Template

from regulars.core import clock
from regulars.core.errors import TooManyRequests
from regulars.core.http import language
from regulars.core.i18n import LANGUAGES, t
from regulars.messaging import inbox
from regulars.acquisition import account, rules, wallet
from regulars.pages.common import HEADERS, PAGE_ERRORS, check_misses, count_miss, not_found_page, render, too_many_page

STATIC = Path(__file__).parent / "static"
FLASHES = {"followed": "page.wallet.followed", "marketing": "page.wallet.saved", "deletion": "page.wallet.deletion_received",
           "language": "page.wallet.saved"}
# answers to the privacy forms, shown beside them (the page comes back scrolled to that section)
PRIVACY_FLASHES = {"marketing", "deletion", "language"}


async def _customer(request: Request, token: str) -> int | None:
    await check_misses(request)
    customer_id = await wallet.customer_of_token(token)
    if customer_id is None:
        await count_miss(request)
    return customer_id


def _in_wechat(request: Request) -> bool:
    return "micromessenger" in request.headers.get("user-agent", "").lower()


def _back(token: str, flash: str | None = None) -> Redirect:
    suffix = f"?done={flash}" if flash else ""
    return Redirect(f"/w/{token}{suffix}#privacy" if flash else f"/w/{token}", status_code=303, headers=HEADERS)


class WalletPage(Controller):
    path = "/w"
    include_in_schema = False
    exception_handlers = PAGE_ERRORS

    @get("/")
    async def from_cookie(
        self, request: Request, m: FromQuery[int | None] = None,
        done: Annotated[str | None, QueryParameter(max_length=20)] = None,
    ) -> Response | Template:
        """Where a notification lands: the wallet the cookie names, or the not-found page."""
        token = request.cookies.get(wallet.COOKIE)
        if not token or await _customer(request, token) is None:
            return not_found_page(request, "wallet")
        if m is not None:
            return Redirect(f"/w/{token}?m={m}#m{m}", status_code=303, headers=HEADERS)
        suffix = f"?done={done}" if done in FLASHES else ""
        return Redirect(f"/w/{token}{suffix}", status_code=303, headers=HEADERS)

    @get("/sw.js", media_type="text/javascript")
    async def service_worker(self) -> Response[bytes]:
        return Response((STATIC / "sw.js").read_bytes(), media_type="text/javascript",
                        headers={"Cache-Control": "no-cache", "Service-Worker-Allowed": "/w/"})

    @get("/wallet.js", media_type="text/javascript")
    async def wallet_script(self) -> Response[bytes]:
        return Response((STATIC / "wallet.js").read_bytes(), media_type="text/javascript",
                        headers={"Cache-Control": "no-cache"})

    @get("/{token:str}")
    async def show(
        self, request: Request, token: FromPath[str], m: FromQuery[int | None] = None,
        done: Annotated[str | None, QueryParameter(max_length=20)] = None,
    ) -> Template:
        customer_id = await _customer(request, token)
        if customer_id is None:
            return not_found_page(request, "wallet")
        view = await account.view(customer_id)
        store_names = {s.id: s.name for s in view.stores}
        unread = [item.id for item in view.inbox.items if item.read_at is None]
        page = render(request, "wallet.html", zone=view.timezone, view=view, token=token, highlight=m, now=clock.now(),
                      in_wechat=_in_wechat(request),
                      store_names=store_names, flash=t(FLASHES[done], language(request)) if done in FLASHES else None,
                      flash_in_privacy=done in PRIVACY_FLASHES,
                      cookies=[Cookie(value=token, **wallet.cookie_settings())])
        await inbox.mark_customer_read(customer_id, unread)  # shown once as new, then read
        return page

    @post("/{token:str}/marketing", status_code=303)
    async def marketing(self, request: Request, token: FromPath[str]) -> Response | Template:
        customer_id = await _customer(request, token)
        if customer_id is None:
            return not_found_page(request, "wallet")
        form = await request.form()
        await account.set_marketing(customer_id, form.get("marketing") == "on")
        return _back(token, "marketing")

    @post("/{token:str}/language", status_code=303)
    async def message_language(self, request: Request, token: FromPath[str]) -> Response | Template:
        customer_id = await _customer(request, token)
        if customer_id is None:
            return not_found_page(request, "wallet")
        form = await request.form()
        chosen = form.get("language")
        if chosen in LANGUAGES:
            await account.set_language(customer_id, chosen)
        return _back(token, "language")

    @get("/{token:str}/export")
    async def export(self, request: Request, token: FromPath[str]) -> Response | Template:
        customer_id = await _customer(request, token)
        if customer_id is None:
            return not_found_page(request, "wallet")
        try:
            document = await account.export(customer_id)
        except TooManyRequests as exc:
            return too_many_page(request, exc)
        body = json.dumps(document, ensure_ascii=False, indent=2, default=str)
        if _in_wechat(request):  # WeChat's browser saves no downloads: the data on a page, to copy
            return render(request, "export.html", token=token, text=body)
        return Response(body.encode(), media_type="application/json", headers={
            **HEADERS, "Content-Disposition": 'attachment; filename="my-data.json"',
        })

    @post("/{token:str}/delete", status_code=303)
    async def delete(self, request: Request, token: FromPath[str]) -> Response | Template:
        customer_id = await _customer(request, token)
        if customer_id is None:
            return not_found_page(request, "wallet")
        form = await request.form()
        if form.get("confirm") == "yes":
            await account.request_deletion(customer_id)
        return _back(token, "deletion")


class PrivacyPage(Controller):
    path = "/privacy"
    include_in_schema = False
    exception_handlers = PAGE_ERRORS

    @get("/")
    async def notice(self, request: Request) -> Template:
        return render(request, "privacy.html", notice_version=rules.NOTICE_VERSION, erasure_days=account.erasure_days())


routers = [WalletPage, PrivacyPage]
