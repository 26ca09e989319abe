"""Points meet acquisition: the follow bonus, the wallet's balance and history, and the referrer's reward on
the referee's first purchase (points, and a coupon when the store's referral code names one)."""

import re

from regulars.core.db import raw
from tests.support.acquisition import Visitor, friend_follows, make_channel
from tests.support.coupons import make_template
from tests.support.world import new_phone


async def customer_id_of(world, phone):
    return (await world.admin.get("/api/v1/customers", params={"q": phone})).json()["items"][0]["id"]


async def balance(world, customer_id, client=None):
    response = await (client or world.manager_a).get(f"/api/v1/customers/{customer_id}/points")
    assert response.status_code == 200, response.text
    return response.json()["balance"]


async def reward_referrals_with(world, template_id: int) -> None:
    """The store's referral code (made when a wallet first shows a referral link) gives this coupon."""
    referral_channel = (await world.manager_a.get("/api/v1/channels", params={"kind": "referral"})).json()[0]
    patched = await world.manager_a.patch(f"/api/v1/channels/{referral_channel['id']}",
                                          json={"reward_template_id": template_id})
    assert patched.status_code == 200, patched.text


async def buy(world, customer_id, amount_fen=9900, client=None):
    response = await (client or world.clerk_a).post("/api/v1/purchases", json={
        "customer_id": customer_id, "category": "accessory", "amount_fen": amount_fen})
    assert response.status_code == 201, response.text
    return response.json()


async def test_follow_bonus_once_per_store_shown_in_wallet(world, acq_server, sms_gateway):
    poster = await make_channel(world, name="积分海报")
    again = await make_channel(world, name="再次")
    theirs = await make_channel(world, client=world.manager_b, name="乙店")
    phone = new_phone()
    browser = Visitor(acq_server.url)
    try:
        wallet_path = await browser.follow(poster["code"], phone, sms_gateway)
        page = await browser.get(wallet_path)
        customer_id = await customer_id_of(world, phone)
        first = await balance(world, customer_id)
        assert first > 0
        assert re.search(rf"data-points>{first}<", page.text) and "关注奖励" in page.text
        for channel in (again, theirs):
            await browser.get(f"/f/{channel['code']}")
            await browser.post_form(f"/f/{channel['code']}", {"action": "follow", "consent_service": "yes",
                                                               "age_confirmed": "yes", "notice_version": "2026-11"})
    finally:
        await browser.close()
    assert await balance(world, customer_id) == 2 * first  # store A once, store B once


async def test_referrer_rewarded_once_on_friend_first_purchase(world, acq_server, sms_gateway):
    reward = await make_template(world, name_zh="推荐有礼 30 元", amount_off_fen=3000)
    referral_channel = (await world.manager_a.get("/api/v1/channels", params={"kind": "referral"})).json()
    referrer = Visitor(acq_server.url)
    referrer_phone = new_phone()
    try:
        wallet_path = await referrer.follow((await make_channel(world, name="老客"))["code"], referrer_phone, sms_gateway)
        page = await referrer.get(wallet_path)
        link = re.search(r"data-referral-link>([^<]+)<", page.text).group(1)
        if not referral_channel:
            await referrer.get(link.split(acq_server.url, 1)[1])  # makes the store's referral code
        await reward_referrals_with(world, reward.id)
        referrer_id = await customer_id_of(world, referrer_phone)
        before = await balance(world, referrer_id)
        friend_phone = new_phone()
        await friend_follows(acq_server, link, friend_phone, sms_gateway)
        friend_id = await customer_id_of(world, friend_phone)
        assert await balance(world, referrer_id) == before  # nothing until the friend buys
        await buy(world, friend_id)
        after = await balance(world, referrer_id)
        assert after > before
        await buy(world, friend_id)  # a second purchase rewards nothing more
        assert await balance(world, referrer_id) == after
        rows = await raw("SELECT status, reward FROM referral WHERE referee = {}", friend_id)
        assert rows[0]["status"] == "rewarded" and "points:" in rows[0]["reward"] and "coupon:" in rows[0]["reward"]
        coupons = (await world.manager_a.get(f"/api/v1/customers/{referrer_id}/coupons")).json()
        items = coupons["items"] if isinstance(coupons, dict) else coupons
        assert [c["template_id"] for c in items if c["source"] == "referral"] == [reward.id]
        page = await referrer.get(wallet_path)
        assert "推荐奖励已到账" in page.text and "推荐有礼 30 元" in page.text
    finally:
        await referrer.close()


async def referred_friend_who_bought(world, acq_server, sms_gateway, reward_template_id):
    """A referrer with the store's referral reward coupon, and a friend they brought in who made a first purchase."""
    referrer = Visitor(acq_server.url)
    referrer_phone = new_phone()
    try:
        wallet_path = await referrer.follow((await make_channel(world, name="老客退款"))["code"], referrer_phone, sms_gateway)
        link = re.search(r"data-referral-link>([^<]+)<", (await referrer.get(wallet_path)).text).group(1)
        await referrer.get(link.split(acq_server.url, 1)[1])  # makes the store's referral code if needed
    finally:
        await referrer.close()
    await reward_referrals_with(world, reward_template_id)
    referrer_id = await customer_id_of(world, referrer_phone)
    before = await balance(world, referrer_id)
    friend_phone = new_phone()
    await friend_follows(acq_server, link, friend_phone, sms_gateway)
    friend_id = await customer_id_of(world, friend_phone)
    first = await buy(world, friend_id, amount_fen=19900)
    assert await balance(world, referrer_id) > before
    return referrer_id, friend_id, first, before


async def refund(world, friend_id, purchase, amount_fen):
    response = await world.clerk_a.post("/api/v1/purchases", json={
        "customer_id": friend_id, "category": "accessory", "amount_fen": -amount_fen, "refund_of": purchase["id"]})
    assert response.status_code == 201, response.text


async def test_full_refund_of_first_purchase_takes_referral_reward_back(world, acq_server, sms_gateway):
    reward = await make_template(world, name_zh="推荐退款券", amount_off_fen=1000)
    referrer_id, friend_id, first, before = await referred_friend_who_bought(world, acq_server, sms_gateway, reward.id)
    await refund(world, friend_id, first, 9900)  # a partial refund keeps the reward
    rewarded = await balance(world, referrer_id)
    assert rewarded > before
    assert (await raw("SELECT status FROM referral WHERE referee = {}", friend_id))[0]["status"] == "rewarded"
    await refund(world, friend_id, first, 10000)  # the rest: the first purchase is undone
    assert await balance(world, referrer_id) == before
    assert (await raw("SELECT status FROM referral WHERE referee = {}", friend_id))[0]["status"] == "void"
    coupons = (await world.manager_a.get(f"/api/v1/customers/{referrer_id}/coupons")).json()
    items = coupons["items"] if isinstance(coupons, dict) else coupons
    assert [c["state"] for c in items if c["source"] == "referral"] == ["void"]
    timeline = (await world.manager_a.get(f"/api/v1/customers/{referrer_id}/timeline")).json()
    assert any(e["kind"] == "referral_taken_back" for e in timeline)
    await buy(world, friend_id)  # a later purchase is not a first purchase: nothing is given again
    assert await balance(world, referrer_id) == before


async def test_refund_after_reward_coupon_redeemed_keeps_the_redemption(world, acq_server, sms_gateway):
    reward = await make_template(world, name_zh="推荐已用券", amount_off_fen=1000)
    referrer_id, friend_id, first, before = await referred_friend_who_bought(world, acq_server, sms_gateway, reward.id)
    coupon = next(c for c in (await world.manager_a.get(f"/api/v1/customers/{referrer_id}/coupons")).json()["items"]
                  if c["source"] == "referral" and c["template_id"] == reward.id)
    redeemed = await world.clerk_a.post("/api/v1/coupons/redeem", json={"code": coupon["code"]},
                                        headers={"Idempotency-Key": f"refund-keeps-{coupon['id']}"})
    assert redeemed.status_code in (200, 201), redeemed.text
    await refund(world, friend_id, first, 19900)
    after = (await world.manager_a.get(f"/api/v1/coupons/{coupon['id']}")).json()
    assert after["state"] == "redeemed"
    assert await balance(world, referrer_id) == before


async def test_reward_template_only_on_referral_code(world):
    channel = await make_channel(world, name="普通码")
    template = await make_template(world)
    response = await world.manager_a.patch(f"/api/v1/channels/{channel['id']}", json={"reward_template_id": template.id})
    assert response.status_code == 422 and response.json()["field"] == "reward_template_id"


async def test_purchase_by_customer_without_referral_unaffected(world):
    made = await world.clerk_a.post("/api/v1/customers", json={"phone": new_phone()})
    purchase = await buy(world, made.json()["id"])
    assert purchase["seq"] == 1
