"""Coupons meet acquisition: the welcome coupon of a channel code, the wallet's coupons, and the customer
redeeming at the counter by scanning the clerk's rotating QR."""

import asyncio
import json
import re

import pytest

from regulars.acquisition import counter
from regulars.core.db import raw
from tests.support.acquisition import Visitor, make_channel, staff_on
from tests.support.coupons import make_template
from tests.support.world import new_phone


async def welcome_channel(world, **template_fields):
    template = await make_template(world, name_zh="新人礼 20 元", terms_zh="到店办理业务时使用", **template_fields)
    channel = await make_channel(world, name="新人礼海报", welcome_template_id=template.id)
    return template, channel


async def coupons_of(world, customer_id):
    response = await world.manager_a.get(f"/api/v1/customers/{customer_id}/coupons")
    assert response.status_code == 200, response.text
    body = response.json()
    return body["items"] if isinstance(body, dict) else body


async def customer_id_of(world, phone):
    return (await world.admin.get("/api/v1/customers", params={"q": phone})).json()["items"][0]["id"]


async def test_channel_welcome_template_must_be_usable(world):
    response = await world.manager_a.post("/api/v1/channels", json={"kind": "store", "name": "x", "welcome_template_id": 999999})
    assert response.status_code == 422 and response.json()["field"] == "welcome_template_id"
    theirs = await make_template(world, owner="manager_b")
    response = await world.manager_a.post("/api/v1/channels", json={"kind": "store", "name": "x", "welcome_template_id": theirs.id})
    assert response.status_code == 422


async def test_follow_issues_welcome_coupon_once(world, acq_server, sms_gateway):
    template, channel = await welcome_channel(world)
    phone = new_phone()
    first, second = Visitor(acq_server.url), Visitor(acq_server.url)
    try:
        wallet_path = await first.follow(channel["code"], phone, sms_gateway)
        page = await first.get(wallet_path)
        assert "新人礼 20 元" in page.text and "立减 20 元" in page.text and "到店办理业务时使用" in page.text
        code_shown = re.search(r"data-code>([^<]+)<", page.text).group(1)
        # Another browser, the same phone, the same code a moment later: still one customer, one welcome coupon.
        await raw("DELETE FROM rate_counter WHERE key LIKE {}", f"otp:phone-gap:{phone}")
        await second.follow(channel["code"], phone, sms_gateway)
    finally:
        await first.close()
        await second.close()
    customer_id = await customer_id_of(world, phone)
    held = await coupons_of(world, customer_id)
    assert [(c["template_id"], c["source"]) for c in held] == [(template.id, "welcome")]
    assert code_shown.replace("-", "") == held[0]["code"]


async def test_refollow_through_other_welcome_code_no_second_welcome(world, acq_server, sms_gateway):
    _, poster = await welcome_channel(world)
    _, event = await welcome_channel(world)
    phone = new_phone()
    browser = Visitor(acq_server.url)
    try:
        first = await browser.get(f"/f/{poster['code']}?step=phone")
        assert "新关注即送礼券" in first.text
        await browser.follow(poster["code"], phone, sms_gateway)
        again = await browser.get(f"/f/{event['code']}")
        # the page does not promise a follower of the store a welcome coupon they will not get
        assert again.status_code == 200 and "新关注即送礼券" not in again.text
        await browser.post_form(f"/f/{event['code']}", {"action": "follow", "consent_service": "yes",
                                                         "age_confirmed": "yes", "notice_version": "2026-11"})
    finally:
        await browser.close()
    assert len(await coupons_of(world, await customer_id_of(world, phone))) == 1


async def test_welcome_coupon_out_of_stock_follow_still_succeeds(world, acq_server, sms_gateway):
    _, channel = await welcome_channel(world, stock=1)
    phones = [new_phone(), new_phone()]
    for phone in phones:
        visitor = Visitor(acq_server.url)
        try:
            await visitor.follow(channel["code"], phone, sms_gateway)
        finally:
            await visitor.close()
    counts = [len(await coupons_of(world, await customer_id_of(world, p))) for p in phones]
    assert counts == [1, 0]


# Customer-side redemption --------------------------------------------------------------------------------------


@pytest.fixture
async def holder(world, acq_server, sms_gateway):
    """A follower with a welcome coupon, their browser recognised by the wallet cookie."""
    template, channel = await welcome_channel(world, scope="issuing")
    browser = Visitor(acq_server.url)
    phone = new_phone()
    browser.wallet_path = await browser.follow(channel["code"], phone, sms_gateway)
    browser.phone = phone
    browser.customer_id = await customer_id_of(world, phone)
    [coupon] = await coupons_of(world, browser.customer_id)
    browser.coupon = coupon
    yield browser
    await browser.close()


@pytest.fixture
async def tablet(world, acq_server):
    client = await staff_on(acq_server, "clerk_a")
    yield client
    await client.close()


async def scan(tablet) -> str:
    qr = (await tablet.get("/api/v1/counter/qr")).json()
    return qr["url"].split("/redeem/")[1]


async def test_customer_redeems_by_scanning_the_counter(holder, tablet, world):
    token = await scan(tablet)
    listing = await holder.get(f"/redeem/{token}")
    assert listing.status_code == 200 and holder.coupon["code"] in listing.text
    confirm = await holder.get(f"/redeem/{token}", params={"step": "confirm", "coupon": holder.coupon["code"]})
    assert confirm.status_code == 200 and "确认核销" in confirm.text
    async with tablet.http.stream("GET", "/api/v1/counter/events") as events:
        await asyncio.sleep(0.3)
        answer = await holder.post_form(f"/redeem/{token}", {"action": "redeem", "coupon": holder.coupon["code"]})
        assert answer.status_code == 303 and "step=done" in answer.headers["location"]
        seen = await first_event(events)
    # The success page is one the customer can reload while showing it to the clerk.
    for _ in range(2):
        done = await holder.get(answer.headers["location"])
        assert done.status_code == 200 and "核销成功" in done.text and holder.coupon["name_zh"] in done.text
    assert seen["coupon_id"] == holder.coupon["id"] and seen["customer"].endswith(holder.phone[-4:])
    # What the tablet shows of the coupon comes with the event: its name and its value.
    assert seen["name_zh"] == holder.coupon["name_zh"]
    assert {k: seen[k] for k in ("kind", "amount_off_fen", "percent_off", "max_off_fen", "item")} == \
        {k: holder.coupon[k] for k in ("kind", "amount_off_fen", "percent_off", "max_off_fen", "item")}
    coupon = (await world.manager_a.get(f"/api/v1/coupons/{holder.coupon['id']}")).json()
    assert coupon["state"] == "redeemed"
    assert (coupon["redeemed_store_id"], coupon["redeemed_by"]) == (world.store_a.id, world.staff["clerk_a"].id)
    # The token redeemed once; scanning it again says so.
    again = await holder.get(f"/redeem/{token}")
    assert again.status_code == 410 and "已使用" in again.text


async def test_customer_states_the_spend_for_a_coupon_with_a_minimum(holder, tablet, world):
    template = await make_template(world, name_zh="满100减20", min_spend_fen=10_000, scope="issuing")
    issued = await world.clerk_a.post("/api/v1/coupons", json={"template_id": template.id, "customer_id": holder.customer_id},
                                      headers={"Idempotency-Key": f"threshold-{holder.customer_id}"})
    assert issued.status_code == 201, issued.text
    code = issued.json()["code"]
    token = await scan(tablet)
    confirm = await holder.get(f"/redeem/{token}", params={"step": "confirm", "coupon": code})
    assert confirm.status_code == 200 and "本次消费金额" in confirm.text and "满 100 元可用" in confirm.text
    refusals = {"": "满 100.00 元可用：请填写本次消费金额", "50": "需消费满 100.00 元才可使用（本次 50.00 元）",
                "一百": "请填写本次消费的金额（元）"}
    for typed, said in refusals.items():
        refused = await holder.post_form(f"/redeem/{token}", {"action": "redeem", "coupon": code, "spend": typed})
        assert refused.status_code == 422 and said in refused.text, (typed, refused.text[-800:])
        assert 'data-step="confirm"' in refused.text and f'value="{typed}"' in refused.text  # to correct, not retype
    assert (await world.clerk_a.get(f"/api/v1/coupons/{issued.json()['id']}")).json()["state"] == "issued"
    async with tablet.http.stream("GET", "/api/v1/counter/events") as events:
        await asyncio.sleep(0.3)
        answer = await holder.post_form(f"/redeem/{token}", {"action": "redeem", "coupon": code, "spend": "１２０元"})
        assert answer.status_code == 303 and "step=done" in answer.headers["location"]
        seen = await first_event(events)
    assert seen["code"].replace("-", "") == code.replace("-", "") and seen["spend_fen"] == 12_000
    redemption = await raw("SELECT spend_fen FROM coupon_redemption WHERE coupon = {}", issued.json()["id"])
    assert [r["spend_fen"] for r in redemption] == [12_000]


async def first_event(response, timeout: float = 5.0) -> dict:
    async def read():
        event = {}
        async for line in response.aiter_lines():
            if line == "":
                if event.get("event") == "redeemed":
                    return json.loads(event["data"])
                event = {}
            elif not line.startswith(":"):
                key, _, value = line.partition(": ")
                event[key] = value
    return await asyncio.wait_for(read(), timeout)


async def test_customer_redeem_concurrent_one_success(holder, tablet, world, acq_server):
    """Two taps at once on two fresh tokens, and a clerk scanning the customer's QR at the same moment."""
    tokens = [await scan(tablet), await scan(tablet)]
    for token in tokens:
        await holder.get(f"/redeem/{token}")
    code = holder.coupon["code"]
    answers = await asyncio.gather(
        holder.http.post(f"/redeem/{tokens[0]}", data={"_csrf_token": holder.csrf(), "action": "redeem", "coupon": code}),
        holder.http.post(f"/redeem/{tokens[1]}", data={"_csrf_token": holder.csrf(), "action": "redeem", "coupon": code}),
        tablet.post("/api/v1/coupons/redeem", json={"code": code}),
    )
    successes = [a for a in answers[:2] if a.status_code == 303 and "step=done" in a.headers["location"]]
    successes += [answers[2]] if answers[2].status_code == 200 else []
    assert len(successes) == 1, [a.status_code for a in answers]
    rows = await raw("SELECT COUNT(*) AS n FROM coupon_redemption WHERE coupon = {}", holder.coupon["id"])
    assert rows[0]["n"] == 1
    # A refused attempt left its token unspent.
    unspent = [t for t in tokens if not await counter.spent(counter.read(t, within=counter.CONFIRM_SECONDS))]
    assert len(unspent) >= 1


async def test_redemption_page_shown_only_to_its_customer(holder, tablet, acq_server, world, sms_gateway):
    token = await scan(tablet)
    await holder.get(f"/redeem/{token}")
    answer = await holder.post_form(f"/redeem/{token}", {"action": "redeem", "coupon": holder.coupon["code"]})
    receipt = answer.headers["location"]
    stranger = Visitor(acq_server.url)
    try:
        channel = await make_channel(world, name="路人乙")
        await stranger.follow(channel["code"], new_phone(), sms_gateway)
        assert (await stranger.get(receipt)).status_code == 404
    finally:
        await stranger.close()
    # nor is there one for a code other than the coupon redeemed through that counter QR
    unredeemed = receipt.replace(holder.coupon["code"], "0" * len(holder.coupon["code"]))
    assert (await holder.get(unredeemed)).status_code == 404


async def test_customer_redeem_expired_token_refused(holder, tablet):
    import datetime as dt

    from regulars.core import clock

    old = counter.sign(tablet.me["store_id"], tablet.me["staff_id"], clock.now() - dt.timedelta(seconds=counter.SCAN_SECONDS + 5))
    page = await holder.get(f"/redeem/{old}")
    assert page.status_code == 410 and "已过期" in page.text
    stale = counter.sign(tablet.me["store_id"], tablet.me["staff_id"], clock.now() - dt.timedelta(seconds=counter.CONFIRM_SECONDS + 5))
    await holder.get(holder.wallet_path)
    refused = await holder.post_form(f"/redeem/{stale}", {"action": "redeem", "coupon": holder.coupon["code"]})
    assert refused.status_code == 410


async def test_customer_redeem_forged_token_not_found(holder):
    page = await holder.get("/redeem/" + "A" * 40)
    assert page.status_code == 404


async def test_customer_redeem_coupon_not_valid_in_this_store(holder, world, acq_server):
    tablet_b = await staff_on(acq_server, "clerk_b")
    try:
        token = await scan(tablet_b)
    finally:
        await tablet_b.close()
    listing = await holder.get(f"/redeem/{token}")
    assert listing.status_code == 200 and holder.coupon["code"] not in listing.text
    refused = await holder.post_form(f"/redeem/{token}", {"action": "redeem", "coupon": holder.coupon["code"]})
    assert refused.status_code == 403
    coupon = (await world.manager_a.get(f"/api/v1/coupons/{holder.coupon['id']}")).json()
    assert coupon["state"] == "issued"


async def test_customer_redeem_someone_elses_coupon_refused(holder, tablet, acq_server, world, sms_gateway):
    token = await scan(tablet)
    stranger = Visitor(acq_server.url)
    try:
        channel = await make_channel(world, name="路人")
        await stranger.follow(channel["code"], new_phone(), sms_gateway)
        await stranger.get(f"/redeem/{token}")
        refused = await stranger.post_form(f"/redeem/{token}", {"action": "redeem", "coupon": holder.coupon["code"]})
    finally:
        await stranger.close()
    assert refused.status_code == 404
    assert (await world.manager_a.get(f"/api/v1/coupons/{holder.coupon['id']}")).json()["state"] == "issued"


async def test_customer_redeem_recognised_by_phone_and_code(holder, tablet, acq_server, sms_gateway):
    token = await scan(tablet)
    fresh = Visitor(acq_server.url)  # a browser without the wallet cookie
    try:
        page = await fresh.get(f"/redeem/{token}")
        assert 'name="phone"' in page.text
        await raw("DELETE FROM rate_counter WHERE key LIKE {}", f"otp:phone-gap:{holder.phone}")
        sent = await fresh.post_form(f"/redeem/{token}", {"action": "send", "phone": holder.phone})
        assert sent.status_code == 303
        verify_page = await fresh.get(sent.headers["location"])
        ref = re.search(r'name="ref" value="([^"]+)"', verify_page.text).group(1)
        verified = await fresh.post_form(f"/redeem/{token}", {"action": "verify", "ref": ref,
                                                               "code": sms_gateway.last_code(holder.phone)})
        assert verified.status_code == 303 and fresh.http.cookies.get("regulars_wallet")
        listing = await fresh.get(verified.headers["location"])
        assert holder.coupon["code"] in listing.text
    finally:
        await fresh.close()


async def test_customer_redeem_unknown_phone_told_to_follow(tablet, acq_server, sms_gateway):
    token = await scan(tablet)
    fresh = Visitor(acq_server.url)
    phone = new_phone()
    try:
        await fresh.get(f"/redeem/{token}")
        sent = await fresh.post_form(f"/redeem/{token}", {"action": "send", "phone": phone})
        verify_page = await fresh.get(sent.headers["location"])
        ref = re.search(r'name="ref" value="([^"]+)"', verify_page.text).group(1)
        verified = await fresh.post_form(f"/redeem/{token}", {"action": "verify", "ref": ref,
                                                               "code": sms_gateway.last_code(phone)})
    finally:
        await fresh.close()
    assert verified.status_code == 404 and "还不是会员" in verified.text


async def test_wallet_marks_its_coupons_seen_once(holder):
    async def seen_at():
        return (await raw("SELECT seen_at FROM coupon WHERE id = {}", holder.coupon["id"]))[0]["seen_at"]

    assert await seen_at() is None  # issued, not yet shown
    assert (await holder.get(holder.wallet_path)).status_code == 200
    first = await seen_at()
    assert first is not None
    await holder.get(holder.wallet_path)
    assert await seen_at() == first  # the first time only: the coupon funnel's "seen in the wallet"
