"""The wallet page over HTTP: what it shows, the privacy controls, and tokens that give nothing away."""

import html
import json
import re

import pytest

from regulars.acquisition import account, wallet  # noqa: F401  (wallet registers its erasure hook, as in the server)
from regulars.customers import retention
from regulars.core.db import raw
from tests.support.acquisition import Visitor, make_channel, staff_on
from tests.support.world import new_phone


@pytest.fixture
async def follower(world, acq_server, sms_gateway):
    channel = await make_channel(world, name="会员页测试")
    browser = Visitor(acq_server.url)
    phone = new_phone()
    browser.wallet_path = await browser.follow(channel["code"], phone, sms_gateway, marketing=True)
    browser.phone = phone
    browser.customer_id = (await world.admin.get("/api/v1/customers", params={"q": phone})).json()["items"][0]["id"]
    yield browser
    await browser.close()


async def test_wallet_shows_store_inbox_push_and_privacy(follower, world):
    page = await follower.get(follower.wallet_path)
    assert page.status_code == 200
    text = page.text
    assert world.store_a.name in text
    assert follower.phone[:3] + "****" + follower.phone[-4:] in text and follower.phone not in text
    for section in ('id="inbox"', 'id="push"', 'id="privacy"'):
        assert section in text
    assert "优惠和关怀消息：已开启" in text
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["referrer-policy"] == "no-referrer"
    assert "script-src 'self'" in page.headers["content-security-policy"]


async def test_wallet_link_opens_in_a_new_browser_and_sets_cookie(follower, acq_server):
    other = Visitor(acq_server.url)
    try:
        page = await other.get(follower.wallet_path)
        assert page.status_code == 200
        assert other.http.cookies.get("regulars_wallet") == follower.wallet_path.rsplit("/", 1)[1]
        again = await other.get("/w")
        assert again.status_code == 303 and again.headers["location"] == follower.wallet_path
    finally:
        await other.close()


async def test_wallet_from_cookie_with_message_anchor(follower):
    response = await follower.get("/w", params={"m": 12})
    assert response.status_code == 303 and response.headers["location"] == f"{follower.wallet_path}?m=12#m12"


async def test_wallet_inbox_new_then_read(follower, world, acq_server):
    clerk = await staff_on(acq_server, "clerk_a")
    try:
        await clerk.post(f"/api/v1/customers/{follower.customer_id}/messages", json={"title": "周末到店有礼"})
    finally:
        await clerk.close()
    first = await follower.get(follower.wallet_path)
    assert "周末到店有礼" in first.text and 'class="tag">新<' in first.text
    second = await follower.get(follower.wallet_path)
    assert "周末到店有礼" in second.text and 'class="tag">新<' not in second.text


async def test_wallet_marketing_off_and_on(follower, world):
    await follower.get(follower.wallet_path)
    off = await follower.post_form(f"{follower.wallet_path}/marketing", {"marketing": "off"})
    assert off.status_code == 303
    customer = (await world.manager_a.get(f"/api/v1/customers/{follower.customer_id}")).json()
    assert customer["consent"]["marketing"] is False
    page = await follower.get(off.headers["location"])
    assert "优惠和关怀消息：已关闭" in page.text
    # the confirmation sits in the privacy section the page comes back scrolled to, not at the top out of sight
    privacy = page.text.split('id="privacy"', 1)[1]
    assert "已保存" in privacy and "已保存" not in page.text.split('id="privacy"', 1)[0]
    await follower.post_form(f"{follower.wallet_path}/marketing", {"marketing": "on"})
    customer = (await world.manager_a.get(f"/api/v1/customers/{follower.customer_id}")).json()
    assert customer["consent"]["marketing"] is True
    consents = await raw("SELECT channel, granted FROM consent WHERE customer = {} AND purpose = 'marketing' ORDER BY id",
                         follower.customer_id)
    assert [(c["channel"], bool(c["granted"])) for c in consents] == [("follow_page", True), ("wallet", False), ("wallet", True)]
    # the customer's timeline says where each change was made: online, by the customer, not at the counter
    timeline = (await world.manager_a.get(f"/api/v1/customers/{follower.customer_id}/timeline")).json()
    changes = [(e["channel"], e["staff_id"]) for e in timeline if e["kind"] == "consent"]
    assert len(changes) >= 3 and set(changes) == {("web", None)}


async def test_wallet_message_language_chosen_by_the_customer(follower, world):
    page = await follower.get(follower.wallet_path)
    assert 'name="language"' in page.text
    saved = await follower.post_form(f"{follower.wallet_path}/language", {"language": "en"})
    assert saved.status_code == 303
    customer = (await world.manager_a.get(f"/api/v1/customers/{follower.customer_id}")).json()
    assert customer["language"] == "en"
    page = await follower.get(saved.headers["location"])
    assert '<option value="en" selected>' in page.text
    await follower.post_form(f"{follower.wallet_path}/language", {"language": "fr"})  # not a choice: nothing changes
    assert (await world.manager_a.get(f"/api/v1/customers/{follower.customer_id}")).json()["language"] == "en"


async def test_wallet_privacy_form_without_csrf_refused(follower, world):
    response = await follower.http.post(f"{follower.wallet_path}/marketing", data={"marketing": "off"})
    assert response.status_code == 403
    customer = (await world.manager_a.get(f"/api/v1/customers/{follower.customer_id}")).json()
    assert customer["consent"]["marketing"] is True


SAFARI = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Version/17.5 Mobile Safari/604.1"


async def test_wallet_export_my_data(follower, world):
    response = await follower.get(f"{follower.wallet_path}/export", headers={"User-Agent": SAFARI})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert "attachment" in response.headers["content-disposition"]
    document = json.loads(response.content)
    assert document["profile"]["id"] == follower.customer_id
    assert any(e["kind"] == "followed" for e in document["timeline"])
    assert "messaging" in document and "inbox" in document["messaging"]
    audit = await raw("SELECT actor_kind FROM audit_log WHERE action = 'customer.export' AND target_id = {}",
                      str(follower.customer_id))
    assert [a["actor_kind"] for a in audit] == ["customer"]


async def test_wallet_export_in_wechat_is_a_page_to_copy(follower):
    """WeChat's browser saves no downloaded file: the same document comes as a page, with how to keep it."""
    export_link = re.compile(r'<a class="button secondary" href="[^"]*/export"( download="my-data.json")?>')
    assert export_link.search((await follower.get(follower.wallet_path)).text).group(1) is None
    other = (await follower.get(follower.wallet_path, headers={"User-Agent": SAFARI})).text
    assert export_link.search(other).group(1) is not None
    response = await follower.get(f"{follower.wallet_path}/export")  # the visitor's browser is WeChat's
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    page = html.unescape(response.text)
    assert "长按下面的内容可以复制" in page and "在浏览器中打开" in page
    shown = re.search(r"<pre class=\"export\" data-export>(.*?)</pre>", page, re.S)
    assert shown is not None and json.loads(shown.group(1))["profile"]["id"] == follower.customer_id


async def test_wallet_export_limited_per_day(follower):
    statuses = [(await follower.get(f"{follower.wallet_path}/export")).status_code for _ in range(account.EXPORTS_PER_DAY + 1)]
    assert statuses[:account.EXPORTS_PER_DAY] == [200] * account.EXPORTS_PER_DAY and statuses[-1] == 429


async def test_wallet_deletion_request_queued_then_erased(follower, world):
    await follower.get(follower.wallet_path)
    asked = await follower.post_form(f"{follower.wallet_path}/delete", {"confirm": "yes"})
    assert asked.status_code == 303
    assert "已收到您的删除申请" in (await follower.get(asked.headers["location"])).text
    page = await follower.get(follower.wallet_path)
    assert "您的删除申请已提交" in page.text
    # while the request waits for the job, no more offers: marketing consent is withdrawn at once
    assert "优惠和关怀消息：已关闭" in page.text
    customer = (await world.manager_a.get(f"/api/v1/customers/{follower.customer_id}")).json()
    assert customer["consent"]["marketing"] is False
    withdrawn = await raw("SELECT channel, notice_version FROM consent WHERE customer = {} AND purpose = 'marketing' "
                          "AND granted = {}", follower.customer_id, False)
    assert [(w["channel"], w["notice_version"]) for w in withdrawn] == [("wallet", "erasure-request")]
    requests = (await world.admin.get("/api/v1/privacy/erasure-requests", params={"status": "pending"})).json()
    mine = [r for r in requests if r["customer_id"] == follower.customer_id]
    assert [(r["channel"], r["status"]) for r in mine] == [("wallet", "pending")]
    inbox = (await world.manager_a.get("/api/v1/inbox")).json()
    assert any(item["kind"] == "privacy" and item["title"] == "客户申请删除个人信息"
               and str(follower.customer_id) in item["body"] for item in inbox["items"])
    # Asking twice queues one request and tells the managers once.
    await follower.post_form(f"{follower.wallet_path}/delete", {"confirm": "yes"})
    requests = (await world.admin.get("/api/v1/privacy/erasure-requests")).json()
    assert len([r for r in requests if r["customer_id"] == follower.customer_id]) == 1
    inbox = (await world.manager_a.get("/api/v1/inbox")).json()
    assert len([i for i in inbox["items"] if i["kind"] == "privacy" and str(follower.customer_id) in i["body"]]) == 1
    # The customers room's job erases the customer; the wallet link then opens nothing.
    await retention.complete_pending_erasures()
    gone = await follower.get(follower.wallet_path)
    assert gone.status_code == 404
    profile = await world.admin.get(f"/api/v1/customers/{follower.customer_id}")
    assert profile.status_code == 404
    assert await raw("SELECT id FROM wallet_token WHERE customer = {} AND revoked_at IS NULL", follower.customer_id) == []


async def test_wallet_deletion_request_needs_confirmation(follower):
    await follower.get(follower.wallet_path)
    await follower.post_form(f"{follower.wallet_path}/delete", {})
    assert await retention.pending_request(follower.customer_id) is None


# Enumeration ------------------------------------------------------------------------------------------------------


def _page_of(response) -> tuple:
    """What a guesser sees: status, the headers that matter, and the body."""
    headers = {k: v for k, v in response.headers.items() if k not in ("date", "set-cookie", "content-length", "x-request-id")}
    return response.status_code, tuple(sorted(headers.items())), response.text


async def test_wrong_wallet_tokens_give_no_hint(follower, world, acq_server):
    real = follower.wallet_path.rsplit("/", 1)[1]
    revoked = "R" * 32
    candidates = [
        real[:-1] + ("A" if real[-1] != "A" else "B"),  # one character off
        real[:16],                                      # too short
        real + "x",                                     # too long
        "0" * 32,                                       # well formed, unknown
        "%3Cscript%3E",                                 # junk
        revoked,
    ]
    guesser = Visitor(acq_server.url)
    try:
        pages = [_page_of(await guesser.get(f"/w/{c}")) for c in candidates]
        exports = [(await guesser.get(f"/w/{c}/export")).status_code for c in candidates]
        await guesser.get("/privacy")
        posts = [(await guesser.post_form(f"/w/{c}/marketing", {"marketing": "off"})).status_code for c in candidates]
    finally:
        await guesser.close()
    assert {p[0] for p in pages} == {404}
    assert len(set(pages)) == 1, "every wrong token must get the very same answer"
    assert real not in pages[0][2]
    assert set(exports) == {404} and set(posts) == {404}


async def test_wrong_channel_codes_give_no_hint(world, acq_server):
    closed = await make_channel(world, name="停用码")
    await world.manager_a.patch(f"/api/v1/channels/{closed['id']}", json={"active": False})
    future = await make_channel(world, kind="event", name="未开始", starts_at="2099-01-01T00:00:00Z")
    live = await make_channel(world, name="在用")
    candidates = [
        closed["code"],
        future["code"],
        live["code"][:-1] + ("0" if live["code"][-1] != "0" else "1"),  # check character wrong
        "ZZZZZZZZZZ" + "Z",                                             # unknown
        live["code"][:6],                                               # short
        "not-a-code",
    ]
    guesser = Visitor(acq_server.url)
    try:
        pages = [_page_of(await guesser.get(f"/f/{c}")) for c in candidates]
    finally:
        await guesser.close()
    assert {p[0] for p in pages} == {404}
    assert len(set(pages)) == 1


async def test_many_wrong_guesses_from_one_client_slowed_down(acq_server):
    guesser = Visitor(acq_server.url)
    try:
        statuses = [(await guesser.get(f"/w/{'A' * 31}{n % 10}")).status_code for n in range(40)]
    finally:
        await guesser.close()
    assert statuses[:30] == [404] * 30
    assert 429 in statuses[30:]
