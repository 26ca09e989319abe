"""The follow flow over real HTTP: form posts, redirects and cookies, with attribution kept right."""

import asyncio
import datetime as dt
import re

import pytest

from regulars.acquisition import otp as otp_module
from tests.support.acquisition import Visitor, make_channel
from tests.support.world import new_phone


@pytest.fixture
async def visitor(acq_server):
    found = Visitor(acq_server.url)
    yield found
    await found.close()


async def attribution(world, customer_id, client=None):
    response = await (client or world.manager_a).get(f"/api/v1/customers/{customer_id}/attribution")
    assert response.status_code == 200, response.text
    return response.json()


async def channel_of(world, channel_id, client=None):
    return (await (client or world.manager_a).get(f"/api/v1/channels/{channel_id}")).json()


async def customer_by_phone(world, phone):
    found = (await world.admin.get("/api/v1/customers", params={"q": phone})).json()["items"]
    return found


async def test_follow_page_shows_store_notice_and_form(world, visitor):
    channel = await make_channel(world, name="门口海报")
    page = await visitor.get(f"/f/{channel['code']}")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    text = page.text
    assert world.store_a.name in text
    assert "个人信息处理规则（版本 2026-11）" in text
    assert 'name="phone"' in text and 'name="_csrf_token"' in text
    assert re.search(r'name="consent_marketing" value="yes"\s*>', text), "marketing must not be pre-ticked"
    assert "我已年满 14 周岁" in text
    assert page.headers["referrer-policy"] == "no-referrer"
    assert "csrftoken" in page.cookies


async def test_follow_page_in_english_by_accept_language(world, acq_server):
    channel = await make_channel(world, name="poster")
    english = Visitor(acq_server.url, lang="en-GB,en;q=0.9")
    try:
        page = await english.get(f"/f/{channel['code']}")
    finally:
        await english.close()
    assert "I am 14 or older" in page.text and '<html lang="en">' in page.text


async def test_follow_counts_scans_atomically(world, acq_server):
    channel = await make_channel(world, name="计数")
    visitors = [Visitor(acq_server.url) for _ in range(20)]
    try:
        answers = await asyncio.gather(*(v.get(f"/f/{channel['code']}") for v in visitors))
    finally:
        for v in visitors:
            await v.close()
    assert {a.status_code for a in answers} == {200}
    assert (await channel_of(world, channel["id"]))["scans"] == 20


async def test_follow_new_customer_lands_on_wallet_with_cookie(world, visitor, sms_gateway):
    channel = await make_channel(world, kind="clerk", name="小王的码", staff_id=world.staff["clerk_a"].id,
                                 campaign="开业季")
    phone = new_phone()
    sent = await visitor.send_code(channel["code"], phone, marketing=True)
    assert sent.status_code == 303
    assert sent.headers["location"].startswith(f"/f/{channel['code']}?step=verify&c=")
    message = sms_gateway.to(phone)[-1]
    assert message["purpose"] == "otp:follow" and world.store_a.name in message["text"]
    verify_page = await visitor.get(sent.headers["location"])
    assert phone[:3] + "****" + phone[-4:] in verify_page.text and phone not in verify_page.text
    landed = await visitor.verify(channel["code"], sent.headers["location"], sms_gateway.last_code(phone))
    assert landed.status_code == 303
    assert re.fullmatch(r"/w/[A-Za-z0-9_-]{32}\?done=followed", landed.headers["location"])
    wallet_path = landed.headers["location"].split("?")[0]
    assert landed.cookies.get("regulars_wallet") == wallet_path.rsplit("/", 1)[1]
    wallet = await visitor.get(wallet_path)
    assert wallet.status_code == 200 and "我的会员" in wallet.text
    assert "关注成功" in (await visitor.get(landed.headers["location"])).text
    assert world.store_a.name in wallet.text

    [found] = await customer_by_phone(world, phone)
    customer = (await world.manager_a.get(f"/api/v1/customers/{found['id']}")).json()
    assert customer["source"] == "follow" and customer["home_store_id"] == world.store_a.id
    assert customer["responsible_clerk_id"] == world.staff["clerk_a"].id
    assert customer["consent"] == {"service": True, "marketing": True}
    credited = await attribution(world, found["id"])
    [store_follow] = credited["follows"]
    assert store_follow["first"]["channel_id"] == channel["id"] == store_follow["latest"]["channel_id"]
    assert store_follow["first"]["staff_id"] == world.staff["clerk_a"].id
    assert store_follow["first"]["campaign"] == "开业季"
    timeline = (await world.manager_a.get(f"/api/v1/customers/{found['id']}/timeline")).json()
    kinds = [item["kind"] for item in timeline]
    assert "followed" in kinds and "created" in kinds
    followed = next(item for item in timeline if item["kind"] == "followed")
    assert followed["summary"] == f"通过「小王的码」关注{world.store_a.name}"
    counted = await channel_of(world, channel["id"])
    assert (counted["follows"], counted["new_customers"]) == (1, 1)


async def test_follow_without_marketing_consent_records_service_only(world, visitor, sms_gateway):
    channel = await make_channel(world, name="无营销")
    phone = new_phone()
    await visitor.follow(channel["code"], phone, sms_gateway)
    [found] = await customer_by_phone(world, phone)
    customer = (await world.manager_a.get(f"/api/v1/customers/{found['id']}")).json()
    assert customer["consent"] == {"service": True, "marketing": False}


async def test_follow_refused_without_service_consent(world, visitor, sms_gateway):
    channel = await make_channel(world, name="同意")
    phone = new_phone()
    response = await visitor.send_code(channel["code"], phone, service=False)
    assert response.status_code == 422
    assert "需同意《个人信息处理规则》才能关注" in response.text
    assert not sms_gateway.to(phone)


async def test_follow_refused_under_14(world, visitor, sms_gateway):
    channel = await make_channel(world, name="年龄")
    phone = new_phone()
    response = await visitor.send_code(channel["code"], phone, adult=False)
    assert response.status_code == 422
    assert "未满 14 周岁不能关注" in response.text
    assert phone in response.text  # the typed number is kept for the next try
    assert not sms_gateway.to(phone)


async def test_follow_refused_with_stale_notice_version(world, visitor, sms_gateway):
    channel = await make_channel(world, name="版本")
    response = await visitor.send_code(channel["code"], new_phone(), notice_version="2020-01")
    assert response.status_code == 422 and "隐私政策已更新" in response.text


async def test_follow_invalid_phone(world, visitor):
    channel = await make_channel(world, name="号码")
    response = await visitor.send_code(channel["code"], "12345")
    assert response.status_code == 422 and "不是有效的中国大陆手机号" in response.text


async def test_follow_wrong_code_then_right_code(world, visitor, sms_gateway):
    channel = await make_channel(world, name="输错")
    phone = new_phone()
    sent = await visitor.send_code(channel["code"], phone)
    wrong = await visitor.verify(channel["code"], sent.headers["location"], "000000" if sms_gateway.last_code(phone) != "000000" else "111111")
    assert wrong.status_code == 422 and "验证码不正确" in wrong.text
    right = await visitor.verify(channel["code"], sent.headers["location"], sms_gateway.last_code(phone))
    assert right.status_code == 303 and right.headers["location"].startswith("/w/")


async def test_follow_code_attempts_limited(world, visitor, sms_gateway):
    channel = await make_channel(world, name="次数")
    phone = new_phone()
    sent = await visitor.send_code(channel["code"], phone)
    real = sms_gateway.last_code(phone)
    wrong = "123456" if real != "123456" else "654321"
    statuses = [(await visitor.verify(channel["code"], sent.headers["location"], wrong)).status_code for _ in range(5)]
    assert statuses == [422] * 5
    blocked = await visitor.verify(channel["code"], sent.headers["location"], real)
    assert blocked.status_code == 422 and "错误次数过多" in blocked.text
    assert not await customer_by_phone(world, phone)


async def test_follow_code_used_once(world, visitor, sms_gateway, acq_server):
    channel = await make_channel(world, name="一次")
    phone = new_phone()
    sent = await visitor.send_code(channel["code"], phone)
    code = sms_gateway.last_code(phone)
    first = await visitor.verify(channel["code"], sent.headers["location"], code)
    assert first.status_code == 303
    again = await visitor.post_form(f"/f/{channel['code']}", {
        "action": "verify", "ref": sent.headers["location"].split("c=")[1], "code": code})
    assert again.status_code == 422


async def test_follow_code_expired(world, visitor, sms_gateway):
    channel = await make_channel(world, name="过期")
    phone = new_phone()
    sent = await visitor.send_code(channel["code"], phone)
    from regulars.core.db import raw

    await raw("UPDATE otp_challenge SET expires_at = {} WHERE phone = {}",
              dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1), phone)
    page = await visitor.get(sent.headers["location"])
    assert page.status_code == 410 and "验证码已过期" in page.text


async def test_follow_send_rate_limited_per_phone(world, visitor, sms_gateway):
    channel = await make_channel(world, name="频率")
    phone = new_phone()
    first = await visitor.send_code(channel["code"], phone)
    assert first.status_code == 303
    second = await visitor.send_code(channel["code"], phone)
    assert second.status_code == 429
    assert int(second.headers["retry-after"]) >= 1
    assert "验证码发送太频繁" in second.text
    assert len(sms_gateway.to(phone)) == 1


FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


@pytest.mark.parametrize("variant", [FULL_WIDTH, ARABIC_INDIC])
async def test_follow_send_rate_limited_per_phone_however_its_digits_are_typed(world, visitor, sms_gateway, variant):
    """The same number in full-width (a Chinese IME) or Arabic-Indic digits is the same phone: one SMS, then 429."""
    channel = await make_channel(world, name="数字变体")
    phone = new_phone()
    first = await visitor.send_code(channel["code"], phone.translate(variant))
    assert first.status_code == 303, first.text
    second = await visitor.send_code(channel["code"], phone[:3] + phone[3:].translate(variant))
    third = await visitor.send_code(channel["code"], phone)
    assert second.status_code == third.status_code == 429
    assert len(sms_gateway.to(phone)) == 1


async def test_follow_resend_too_soon_stays_on_the_code_step(world, visitor, sms_gateway):
    channel = await make_channel(world, name="重发")
    phone = new_phone()
    sent = await visitor.send_code(channel["code"], phone)
    await visitor.get(sent.headers["location"])
    ref = re.search(r'name="ref" value="([^"]+)"', visitor.last_html).group(1)
    again = await visitor.post_form(f"/f/{channel['code']}", {"action": "resend", "ref": ref})
    assert again.status_code == 429 and int(again.headers["retry-after"]) >= 1
    assert "验证码发送太频繁" in again.text and 'name="code"' in again.text  # the code field is still there
    # and the code already sent still follows
    code = sms_gateway.last_code(phone)
    followed = await visitor.post_form(f"/f/{channel['code']}", {"action": "verify", "ref": ref, "code": code})
    assert followed.status_code == 303 and followed.headers["location"].startswith("/w/")


async def test_follow_send_rate_limited_per_client(world, acq_server, sms_gateway):
    channel = await make_channel(world, name="同一客户端")
    crowd = Visitor(acq_server.url)
    try:
        statuses = []
        for _ in range(otp_module.CLIENT_PER_WINDOW + 2):
            statuses.append((await crowd.send_code(channel["code"], new_phone())).status_code)
    finally:
        await crowd.close()
    assert statuses[:otp_module.CLIENT_PER_WINDOW] == [303] * otp_module.CLIENT_PER_WINDOW
    assert statuses[-1] == 429


async def test_follow_repeated_scans_and_submissions_one_customer(world, acq_server, sms_gateway):
    channel = await make_channel(world, name="重复")
    phone = new_phone()
    first = Visitor(acq_server.url)
    second = Visitor(acq_server.url)
    try:
        for _ in range(3):
            await first.get(f"/f/{channel['code']}")
        wallet_one = await first.follow(channel["code"], phone, sms_gateway)
        sms_gateway.messages.clear()
        from regulars.core.db import raw

        await raw("DELETE FROM rate_counter WHERE key LIKE {}", f"otp:phone-gap:{phone}")
        wallet_two = await second.follow(channel["code"], phone, sms_gateway)
    finally:
        await first.close()
        await second.close()
    assert wallet_one != wallet_two  # each browser gets its own wallet link
    found = await customer_by_phone(world, phone)
    assert len(found) == 1
    credited = await attribution(world, found[0]["id"])
    assert credited["follows"][0]["touches"] == 1  # the same code again within minutes counts once
    counted = await channel_of(world, channel["id"])
    assert (counted["scans"], counted["follows"], counted["new_customers"]) == (3, 1, 1)


async def test_follow_concurrent_verifications_same_phone_one_customer(world, acq_server, sms_gateway):
    channel = await make_channel(world, name="并发")
    phone = new_phone()
    visitors = [Visitor(acq_server.url) for _ in range(2)]
    try:
        from regulars.core.db import raw

        locations, codes = [], []
        for v in visitors:
            await raw("DELETE FROM rate_counter WHERE key LIKE {}", f"otp:phone-gap:{phone}")
            sent = await v.send_code(channel["code"], phone)
            locations.append(sent.headers["location"])
            codes.append(sms_gateway.last_code(phone))
        answers = await asyncio.gather(*(v.verify(channel["code"], loc, code)
                                         for v, loc, code in zip(visitors, locations, codes)))
    finally:
        for v in visitors:
            await v.close()
    assert [a.status_code for a in answers] == [303, 303]
    assert len(await customer_by_phone(world, phone)) == 1


async def test_refollow_through_other_channel_keeps_first_touch(world, acq_server, sms_gateway):
    poster = await make_channel(world, name="海报")
    event = await make_channel(world, kind="event", name="社区义诊", campaign="重阳关怀")
    phone = new_phone()
    browser = Visitor(acq_server.url)
    try:
        await browser.follow(poster["code"], phone, sms_gateway)
        # Same browser, a different code: recognised by the wallet cookie, one tap, no new SMS.
        page = await browser.get(f"/f/{event['code']}")
        assert page.status_code == 200 and 'value="follow"' in page.text
        assert phone[-4:] in page.text and 'name="phone"' not in page.text
        sms_before = len(sms_gateway.to(phone))
        tapped = await browser.post_form(f"/f/{event['code']}", {
            "action": "follow", "consent_service": "yes", "age_confirmed": "yes", "notice_version": "2026-11"})
        assert tapped.status_code == 303 and tapped.headers["location"] == "/w?done=followed"
        assert len(sms_gateway.to(phone)) == sms_before
        opened = await browser.get("/w")
        assert opened.status_code == 303 and opened.headers["location"].startswith("/w/")
    finally:
        await browser.close()
    [found] = await customer_by_phone(world, phone)
    credited = await attribution(world, found["id"])
    [store_follow] = credited["follows"]
    assert store_follow["first"]["channel_id"] == poster["id"]
    assert store_follow["latest"]["channel_id"] == event["id"]
    assert store_follow["latest"]["campaign"] == "重阳关怀"
    assert store_follow["touches"] == 2
    assert [t["channel_id"] for t in credited["history"]] == [event["id"], poster["id"]]
    assert (await channel_of(world, event["id"]))["follows"] == 1
    assert (await channel_of(world, event["id"]))["new_customers"] == 0
    timeline = (await world.manager_a.get(f"/api/v1/customers/{found['id']}/timeline")).json()
    assert timeline[0]["kind"] == "refollowed" or any(i["kind"] == "refollowed" for i in timeline)


async def test_refollow_in_other_store_seen_by_each_store_alone(world, acq_server, sms_gateway):
    mine = await make_channel(world, name="甲店")
    theirs = await make_channel(world, client=world.manager_b, name="乙店")
    phone = new_phone()
    browser = Visitor(acq_server.url)
    try:
        await browser.follow(mine["code"], phone, sms_gateway)
        await browser.get(f"/f/{theirs['code']}")
        await browser.post_form(f"/f/{theirs['code']}", {
            "action": "follow", "consent_service": "yes", "age_confirmed": "yes", "notice_version": "2026-11"})
    finally:
        await browser.close()
    [found] = await customer_by_phone(world, phone)
    seen_by_a = await attribution(world, found["id"])
    seen_by_b = await attribution(world, found["id"], world.manager_b)
    assert [f["store_id"] for f in seen_by_a["follows"]] == [world.store_a.id]
    assert [f["store_id"] for f in seen_by_b["follows"]] == [world.store_b.id]
    customer = (await world.manager_b.get(f"/api/v1/customers/{found['id']}")).json()
    assert customer["home_store_id"] == world.store_a.id and world.store_b.id in customer["store_ids"]


async def test_follow_existing_store_customer_matched_by_phone(world, visitor, sms_gateway):
    phone = new_phone()
    made = await world.clerk_a.post("/api/v1/customers", json={"phone": phone, "name": "老客户"})
    assert made.status_code == 201
    channel = await make_channel(world, name="老客扫码")
    await visitor.follow(channel["code"], phone, sms_gateway)
    found = await customer_by_phone(world, phone)
    assert [c["id"] for c in found] == [made.json()["id"]]
    credited = await attribution(world, made.json()["id"])
    assert credited["follows"][0]["first"]["channel_id"] == channel["id"]
    assert (await channel_of(world, channel["id"]))["new_customers"] == 0


async def test_follow_post_without_csrf_field_refused(world, visitor):
    channel = await make_channel(world, name="跨站")
    await visitor.get(f"/f/{channel['code']}")
    response = await visitor.http.post(f"/f/{channel['code']}", data={"action": "send", "phone": new_phone()})
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("text/html")
    assert "页面已过期" in response.text


async def test_follow_closed_code_friendly_404(world, visitor):
    channel = await make_channel(world, name="已停用")
    await world.manager_a.patch(f"/api/v1/channels/{channel['id']}", json={"active": False})
    page = await visitor.get(f"/f/{channel['code']}")
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "二维码无效" in page.text
    assert (await channel_of(world, channel["id"]))["scans"] == 0


async def test_cut_off_link_gets_a_page_not_json(visitor, world):
    """A QR link cut short (`/f/`) or mistyped, opened in a phone's browser, answers a page in the visitor's language;
    the API keeps answering problem JSON."""
    for path in ("/f/", "/w/abc/def", "/no-such-page"):
        page = await visitor.get(path, headers={"Accept": "text/html,application/xhtml+xml"})
        assert page.status_code == 404 and page.headers["content-type"].startswith("text/html"), path
        assert "页面不存在" in page.text and "urn:regulars" not in page.text
    api = await visitor.get("/api/v1/no-such-thing", headers={"Accept": "text/html"})
    assert api.status_code == 404 and api.headers["content-type"].startswith("application/problem+json")
    icon = await visitor.get("/favicon.ico")
    assert icon.status_code == 200 and icon.headers["content-type"] == "image/png"


async def test_follow_code_closed_between_send_and_verify(world, visitor, sms_gateway):
    channel = await make_channel(world, name="中途停用")
    phone = new_phone()
    sent = await visitor.send_code(channel["code"], phone)
    await world.manager_a.patch(f"/api/v1/channels/{channel['id']}", json={"active": False})
    response = await visitor.post_form(f"/f/{channel['code']}", {
        "action": "verify", "ref": sent.headers["location"].split("c=")[1], "code": sms_gateway.last_code(phone)})
    assert response.status_code == 404
    assert not await customer_by_phone(world, phone)


async def test_follow_code_typed_in_lower_case_works(world, visitor):
    channel = await make_channel(world, name="小写")
    page = await visitor.get(f"/f/{channel['code'].lower()}")
    assert page.status_code == 200
