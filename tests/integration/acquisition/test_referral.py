"""Referral (以老带新): a customer's link leads friends to the follow page, credited to the customer."""

import io
import re
import secrets

import cairosvg
import pytest
import zxingcpp
from PIL import Image

from regulars.core import clock
from regulars.core.db import raw
from tests.support.acquisition import Visitor, friend_follows, make_channel
from tests.support.world import new_phone


@pytest.fixture
async def referrer(world, acq_server, sms_gateway):
    channel = await make_channel(world, name="老客")
    browser = Visitor(acq_server.url)
    phone = new_phone()
    browser.wallet_path = await browser.follow(channel["code"], phone, sms_gateway)
    browser.customer_id = (await world.admin.get("/api/v1/customers", params={"q": phone})).json()["items"][0]["id"]
    page = await browser.get(browser.wallet_path)
    browser.link = re.search(r'data-referral-link>([^<]+)<', page.text).group(1)
    browser.qr_svg = re.search(r"data-referral-qr>(<svg.*?</svg>)", page.text, re.S).group(1)
    yield browser
    await browser.close()


async def customer_id(world, phone):
    return (await world.admin.get("/api/v1/customers", params={"q": phone})).json()["items"][0]["id"]


async def test_wallet_shows_referral_link_and_qr(referrer, acq_server):
    assert re.fullmatch(rf"{re.escape(acq_server.url)}/r/[0-9A-Z*~$=]{{11}}", referrer.link)
    png = cairosvg.svg2png(bytestring=referrer.qr_svg.encode(), output_width=400)
    assert [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))] == [referrer.link]


async def test_referral_link_cut_off_at_its_trailing_symbol_still_works(referrer, world, acq_server, sms_gateway):
    """A link made before codes stopped ending in *~$=U, whose last character a chat app's link detection dropped."""
    from regulars.core import security

    bodies = ("".join(secrets.choice(security.CROCKFORD) for _ in range(10)) for _ in range(100_000))
    body = next(b for b in bodies if security.crockford_check(b) == "~")
    await raw("UPDATE referral_code SET code = {} WHERE customer = {}", body + "~", referrer.customer_id)
    phone = new_phone()
    await friend_follows(acq_server, f"{acq_server.url}/r/{body}", phone, sms_gateway)
    rows = await raw("SELECT referrer FROM referral WHERE referee = {}", await customer_id(world, phone))
    assert [r["referrer"] for r in rows] == [referrer.customer_id]


async def test_referral_link_stable(referrer):
    page = await referrer.get(referrer.wallet_path)
    assert referrer.link in page.text


async def test_referred_friend_credited_to_referrer(referrer, world, acq_server, sms_gateway):
    phone = new_phone()
    channel_code, _ = await friend_follows(acq_server, referrer.link, phone, sms_gateway)
    friend_id = await customer_id(world, phone)
    credited = (await world.manager_a.get(f"/api/v1/customers/{friend_id}/attribution")).json()
    assert credited["follows"][0]["first"]["referrer_customer_id"] == referrer.customer_id
    rows = await raw("SELECT referrer, status FROM referral WHERE referee = {}", friend_id)
    assert [(r["referrer"], r["status"]) for r in rows] == [(referrer.customer_id, "pending")]
    timeline = (await world.manager_a.get(f"/api/v1/customers/{referrer.customer_id}/timeline")).json()
    assert any(item["kind"] == "referred" and phone[-4:] in item["summary"] for item in timeline)
    channels = (await world.manager_a.get("/api/v1/channels", params={"kind": "referral"})).json()
    [referral_channel] = channels
    assert referral_channel["code"] == channel_code and referral_channel["follows"] >= 1
    page = await referrer.get(referrer.wallet_path)
    assert "已邀请 1 位好友" in page.text


async def test_existing_customer_cannot_be_referred(referrer, world, acq_server, sms_gateway):
    phone = new_phone()
    made = await world.clerk_a.post("/api/v1/customers", json={"phone": phone})
    await friend_follows(acq_server, referrer.link, phone, sms_gateway)
    assert await raw("SELECT id FROM referral WHERE referee = {}", made.json()["id"]) == []
    credited = (await world.manager_a.get(f"/api/v1/customers/{made.json()['id']}/attribution")).json()
    assert credited["follows"][0]["first"]["referrer_customer_id"] is None


async def test_referrer_credited_at_most_per_day_limit(referrer, world, acq_server, sms_gateway):
    from regulars.acquisition import referral

    now = clock.now()
    await raw("INSERT INTO rate_counter (key, window_start, count, failures) VALUES ({}, {}, {}, 0) "
              "ON CONFLICT (key) DO UPDATE SET count = excluded.count, window_start = excluded.window_start",
              f"referral:day:{referrer.customer_id}", now, referral.REFERRALS_PER_DAY)
    phone = new_phone()
    await friend_follows(acq_server, referrer.link, phone, sms_gateway)
    friend_id = await customer_id(world, phone)
    assert await raw("SELECT id FROM referral WHERE referee = {}", friend_id) == []
    assert (await world.manager_a.get(f"/api/v1/customers/{friend_id}")).status_code == 200  # the follow itself happened


async def test_unknown_referral_code_same_page_as_unknown_channel(acq_server):
    guesser = Visitor(acq_server.url)
    try:
        unknown_referral = await guesser.get("/r/ZZZZZZZZZZZ")
        unknown_channel = await guesser.get("/f/ZZZZZZZZZZZ")
    finally:
        await guesser.close()
    assert unknown_referral.status_code == unknown_channel.status_code == 404
    assert unknown_referral.text == unknown_channel.text


async def test_forged_referral_field_ignored(world, acq_server, sms_gateway):
    channel = await make_channel(world, name="伪造推荐")
    visitor = Visitor(acq_server.url)
    phone = new_phone()
    try:
        await visitor.get(f"/f/{channel['code']}")
        sent = await visitor.post_form(f"/f/{channel['code']}", {
            "action": "send", "phone": phone, "consent_service": "yes", "age_confirmed": "yes",
            "notice_version": "2026-11", "referral": "ABCDEFGHJK0"})
        await visitor.verify(channel["code"], sent.headers["location"], sms_gateway.last_code(phone))
    finally:
        await visitor.close()
    friend_id = await customer_id(world, phone)
    assert await raw("SELECT id FROM referral WHERE referee = {}", friend_id) == []
