"""The public follow page GET/POST /f/{code}: server-rendered, works without JavaScript and in WeChat.

Forms carry Litestar's CSRF field (`_csrf_token`, double-submitted with the `csrftoken`
cookie set on the GET): the one-tap follow and the wallet's privacy forms act on the
wallet cookie, so a foreign page must not be able to post them.
"""

from __future__ import annotations

from urllib.parse import quote

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from regulars.core.errors import BadInput, DomainError, Gone, NotFound, TooManyRequests
from regulars.core.http import client_ip, language
from regulars.core.i18n import t
from regulars.customers import rules as customer_rules
from regulars.customers import service as customers
from regulars.acquisition import account, channels, follow, otp, referral, rules, wallet
from regulars.pages.common import HEADERS, PAGE_ERRORS, check_misses, count_miss, not_found_page, render, too_many_page
from regulars.stores import service as stores


def _choices(form) -> follow.Choices:
    return follow.Choices(
        service_consent=form.get("consent_service") == "yes",
        marketing_consent=form.get("consent_marketing") == "yes",
        age_confirmed=form.get("age_confirmed") == "yes",
        notice_version=str(form.get("notice_version") or ""),
    )


def _messages(request: Request, exc: DomainError) -> list[str]:
    lang = language(request)
    problems = exc.extra.get("problems") if exc.extra else None
    if problems:
        return [t(p["code"], lang) for p in problems]
    return [t(exc.key, lang, **exc.params)]


class FollowPage(Controller):
    path = "/f"
    include_in_schema = False
    exception_handlers = PAGE_ERRORS

    async def _page(self, request: Request, channel: dict, step: str, *, status: int = 200, errors: list[str] | None = None,
                    form: dict | None = None, ref: str | None = None, phone_masked: str = "",
                    headers: dict | None = None, referral_code: str | None = None) -> Template:
        store = await stores.get_store(channel["store"])
        clerk_name = None
        if channel["staff"] is not None and channel["kind"] == "clerk":
            clerk_name = await stores.staff_name(channel["staff"])
        known_phone, marketing_on = "", False
        welcome = channel["welcome_template_id"] is not None
        if step == "known":
            customer_id = await wallet.customer_of_cookie(request)
            profile = await customers.detail(customer_id)
            known_phone, marketing_on = profile.phone_masked, profile.consent.marketing
            welcome = welcome and not await follow.follows(customer_id, channel["store"])
        return render(
            request, "follow.html", status=status, headers=headers, zone=store.timezone, store=store, code=channel["code"],
            step=step, errors=errors or [], form=form or {}, ref=ref, phone_masked=phone_masked,
            minutes=int(rules.OTP_LIFETIME.total_seconds() // 60), welcome=welcome,
            clerk_name=clerk_name, known_phone=known_phone, marketing_on=marketing_on,
            referral_code=referral_code if referral_code and await referral.referrer_of(referral_code) else None,
            notice_version=rules.NOTICE_VERSION, erasure_days=account.erasure_days(),
        )

    @get("/{code:str}")
    async def show(self, request: Request, code: FromPath[str], step: FromQuery[str | None] = None,
                   c: FromQuery[str | None] = None, r: FromQuery[str | None] = None) -> Template:
        await check_misses(request)
        channel = await (channels.scan(code) if step is None else channels.open_by_code(code))
        if channel is None:
            await count_miss(request)
            return not_found_page(request, "channel")
        if step == "verify" and c:
            challenge = await otp.pending(c)
            if challenge is None or challenge["channel_id"] != channel["id"]:
                return await self._page(request, channel, "phone", status=410, errors=[t("otp.expired", language(request))])
            return await self._page(request, channel, "verify", ref=c,
                                    phone_masked=customer_rules.mask_phone(challenge["phone"]))
        if step != "phone" and await wallet.customer_of_cookie(request) is not None:
            return await self._page(request, channel, "known")
        return await self._page(request, channel, "phone", referral_code=r)

    @post("/{code:str}", status_code=303)
    async def submit(self, request: Request, code: FromPath[str]) -> Response | Template:
        await check_misses(request)
        channel = await channels.open_by_code(code)
        if channel is None:
            await count_miss(request)
            return not_found_page(request, "channel")
        form = await request.form()
        action = form.get("action")
        lang = language(request)
        values = {"phone": str(form.get("phone") or "")[:20], "consent_service": form.get("consent_service") == "yes",
                  "consent_marketing": form.get("consent_marketing") == "yes",
                  "age_confirmed": form.get("age_confirmed") == "yes"}
        here = f"/f/{channel['code']}"
        ref = str(form.get("ref") or "")[:64]
        referral_code = str(form.get("referral") or "")[:16] or None
        try:
            if action == "send":
                new_ref = await follow.send_code(channel["code"], values["phone"], _choices(form),
                                                 client_ip=client_ip(request), lang=lang, referral_code=referral_code)
                return Redirect(f"{here}?step=verify&c={quote(new_ref)}", status_code=303, headers=HEADERS)
            if action == "resend":
                new_ref = await follow.resend_code(channel["code"], ref, client_ip=client_ip(request), lang=lang)
                return Redirect(f"{here}?step=verify&c={quote(new_ref)}", status_code=303, headers=HEADERS)
            if action == "verify":
                followed = await follow.verify_and_follow(channel["code"], ref, str(form.get("code") or ""))
                return Redirect(f"/w/{followed.wallet_token}?done=followed", status_code=303, headers=HEADERS,
                                cookies=[Cookie(value=followed.wallet_token, **wallet.cookie_settings())])
            if action == "follow":
                customer_id = await wallet.customer_of_cookie(request)
                if customer_id is None:
                    return Redirect(f"{here}?step=phone", status_code=303, headers=HEADERS)
                await follow.follow_known(channel["code"], customer_id, _choices(form))
                return Redirect("/w?done=followed", status_code=303, headers=HEADERS)
        except TooManyRequests as exc:
            if action in ("verify", "resend"):
                # still on the code step: the code already sent stays usable, so the page stays where it was
                pending = await otp.pending(ref) if ref else None
                if pending is None:
                    return too_many_page(request, exc)
                return await self._page(request, channel, "verify", status=429, ref=ref,
                                        errors=[t(exc.key, lang, retry_after=exc.retry_after)],
                                        phone_masked=customer_rules.mask_phone(pending["phone"]),
                                        headers={"Retry-After": str(exc.retry_after)})
            return await self._page(request, channel, "phone", status=429, errors=[t(exc.key, lang, retry_after=exc.retry_after)],
                                    form=values, headers={"Retry-After": str(exc.retry_after)}, referral_code=referral_code)
        except NotFound:
            return not_found_page(request, "channel")
        except (BadInput, Gone, otp.SmsUnavailable) as exc:
            if action in ("verify", "resend"):
                pending = await otp.pending(ref) if ref else None
                if pending is None:
                    return await self._page(request, channel, "phone", status=exc.status_code, errors=_messages(request, exc))
                return await self._page(request, channel, "verify", status=exc.status_code, errors=_messages(request, exc),
                                        ref=ref, phone_masked=customer_rules.mask_phone(pending["phone"]))
            step = "known" if action == "follow" else "phone"
            return await self._page(request, channel, step, status=exc.status_code, errors=_messages(request, exc), form=values,
                                    referral_code=referral_code)
        return Redirect(here, status_code=303, headers=HEADERS)


class ReferralPage(Controller):
    """GET /r/{code}: a friend's link leads to the follow page of the friend's store, credited to the friend."""

    path = "/r"
    include_in_schema = False
    exception_handlers = PAGE_ERRORS

    @get("/{code:str}")
    async def open_link(self, request: Request, code: FromPath[str]) -> Response | Template:
        await check_misses(request)
        referrer = await referral.referrer_of(code)
        if referrer is None:
            await count_miss(request)
            return not_found_page(request, "channel")
        channel = await channels.referral_channel(referrer["home_store"])
        return Redirect(f"/f/{channel['code']}?r={quote(rules.link_code(code) or '')}", status_code=303, headers=HEADERS)


routers = [FollowPage, ReferralPage]
