"""GET/POST /redeem/{token}: the customer scanned the counter's rotating QR and redeems a coupon themselves.

Recognised by the wallet cookie, or by phone and a one-time code. The first look at a token must
come within its scan window; the following steps (code, choice, confirmation) within its longer
confirmation window. An expired or already used token answers 410 with a page that says so.
"""

from __future__ import annotations

from urllib.parse import quote

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from regulars.core.errors import BadInput, Conflict, DomainError, Forbidden, Gone, NotFound, TooManyRequests
from regulars.core.http import client_ip, language
from regulars.core.i18n import t
from regulars.customers import rules as customer_rules
from regulars.acquisition import counter, otp, redeem, rules, wallet
from regulars.pages.common import HEADERS, PAGE_ERRORS, check_misses, count_miss, message_page, render, too_many_page
from regulars.stores import service as stores


SPEND_PROBLEMS = ("redeem.bad_spend", "coupon.spend_needed", "coupon.min_spend")


def _refused(request: Request, exc: DomainError) -> Template:
    lang = language(request)
    title = "page.redeem.expired_title" if isinstance(exc, Gone) and exc.key.startswith("counter.") else "page.redeem.refused_title"
    return message_page(request, exc.status_code, title, t(exc.key, lang, **exc.params))


class RedeemPage(Controller):
    path = "/redeem"
    include_in_schema = False
    exception_handlers = PAGE_ERRORS

    async def _page(self, request: Request, token: counter.CounterToken, token_text: str, step: str, *,
                    status: int = 200, errors: list[str] | None = None, **context) -> Template:
        store = await stores.get_store(token.store_id)
        return render(request, "redeem.html", status=status, zone=store.timezone, store=store, token=token_text,
                      step=step, errors=errors or [], clerk_name=await stores.staff_name(token.staff_id),
                      minutes=int(rules.OTP_LIFETIME.total_seconds() // 60), **context)

    @get("/{token:str}")
    async def show(self, request: Request, token: FromPath[str], step: FromQuery[str | None] = None,
                   c: FromQuery[str | None] = None, coupon: FromQuery[str | None] = None) -> Template:
        await check_misses(request)
        if step == "done":
            return await self._receipt(request, token, coupon)
        try:
            opened = await redeem.opened(token, within=counter.SCAN_SECONDS if step is None else counter.CONFIRM_SECONDS)
        except NotFound as exc:
            await count_miss(request)
            return _refused(request, exc)
        except Gone as exc:
            return _refused(request, exc)
        customer_id = await wallet.customer_of_cookie(request)
        if step == "verify" and c:
            challenge = await otp.pending(c)
            if challenge is not None:
                return await self._page(request, opened, token, "verify", ref=c,
                                        phone_masked=customer_rules.mask_phone(challenge["phone"]))
        if customer_id is None:
            return await self._page(request, opened, token, "identify")
        usable = await redeem.usable_here(customer_id, opened.store_id)
        chosen = next((u for u in usable if u.code == coupon), None) if step == "confirm" else None
        if chosen is not None:
            return await self._page(request, opened, token, "confirm", coupon=chosen)
        return await self._page(request, opened, token, "choose", coupons=usable)

    async def _receipt(self, request: Request, token: str, code: str | None) -> Template:
        customer_id = await wallet.customer_of_cookie(request)
        try:
            if customer_id is None or not code:
                raise NotFound("counter.token_unknown")
            opened, done = await redeem.receipt(token, customer_id, code)
        except NotFound as exc:
            await count_miss(request)
            return _refused(request, exc)
        except Gone as exc:
            return _refused(request, exc)
        return await self._page(request, opened, token, "done", redeemed=done)

    @post("/{token:str}", status_code=200)
    async def submit(self, request: Request, token: FromPath[str]) -> Response | Template:
        form = await request.form()
        action, lang = form.get("action"), language(request)
        here = f"/redeem/{token}"
        try:
            if action == "send":
                ref = await redeem.send_code(token, str(form.get("phone") or "")[:20], client_ip=client_ip(request), lang=lang)
                return Redirect(f"{here}?step=verify&c={quote(ref)}", status_code=303, headers=HEADERS)
            if action == "verify":
                wallet_token = await redeem.verify(token, str(form.get("ref") or "")[:64], str(form.get("code") or ""))
                return Redirect(f"{here}?step=choose", status_code=303, headers=HEADERS,
                                cookies=[Cookie(value=wallet_token, **wallet.cookie_settings())])
            if action == "redeem":
                customer_id = await wallet.customer_of_cookie(request)
                if customer_id is None:
                    return Redirect(f"{here}?step=choose", status_code=303, headers=HEADERS)
                spend_text = str(form.get("spend") or "").strip()[:20]
                spend = rules.spend_fen(spend_text) if spend_text else None
                if spend_text and spend is None:
                    raise BadInput("redeem.bad_spend", field="spend")
                done = await redeem.redeem(token, customer_id, str(form.get("coupon") or "")[:30], spend)
                # the success page is one to reload and come back to, not the answer to a form
                return Redirect(f"{here}?step=done&coupon={quote(done.coupon.code)}", status_code=303, headers=HEADERS)
        except TooManyRequests as exc:
            return too_many_page(request, exc)
        except (BadInput, NotFound) as exc:
            if exc.key in SPEND_PROBLEMS:  # the confirmation again, saying what to correct
                opened = counter.read(token, within=counter.CONFIRM_SECONDS)
                customer_id = await wallet.customer_of_cookie(request)
                usable = await redeem.usable_here(customer_id, opened.store_id) if customer_id is not None else []
                chosen = next((u for u in usable if u.code == str(form.get("coupon") or "")), None)
                if chosen is not None:
                    return await self._page(request, opened, token, "confirm", status=exc.status_code, coupon=chosen,
                                            errors=[t(exc.key, lang, **exc.params)], spend=str(form.get("spend") or "")[:20])
            if exc.key.startswith(("otp.", "customer.", "redeem.")):
                opened = counter.read(token, within=counter.CONFIRM_SECONDS)
                pending = await otp.pending(str(form.get("ref") or "")) if action == "verify" else None
                if pending is not None:
                    return await self._page(request, opened, token, "verify", status=exc.status_code,
                                            errors=[t(exc.key, lang, **exc.params)], ref=str(form.get("ref")),
                                            phone_masked=customer_rules.mask_phone(pending["phone"]))
                return await self._page(request, opened, token, "identify", status=exc.status_code,
                                        errors=[t(exc.key, lang, **exc.params)])
            return _refused(request, exc)
        except (Conflict, Forbidden, Gone, otp.SmsUnavailable) as exc:
            return _refused(request, exc)
        return Redirect(here, status_code=303, headers=HEADERS)


routers = [RedeemPage]
