"""The follow and wallet pages as a phone sees them (WeChat's in-app browser at 390x844), without and with
JavaScript; screenshots under var/test-artifacts/pages/."""

from urllib.parse import parse_qs, urlparse

from playwright.async_api import expect

from tests.e2e.pages.conftest import phone, shot
from tests.support.sms_dev import dev_sms_code
from tests.support.world import new_phone


async def make_channel(world, **fields):
    response = await world.manager_a.post("/api/v1/channels", json={"kind": "clerk", "name": "小王的码",
                                                                    "staff_id": world.staff["clerk_a"].id, **fields})
    assert response.status_code == 201, response.text
    return response.json()


async def follow_through(page, world, channel, name: str, *, marketing: bool) -> str:
    """Phone, boxes, code from the development SMS log, verify; returns the wallet URL."""
    await page.goto(f"{world.url}/f/{channel['code']}")
    await expect(page.locator("h1")).to_have_text(world.store_a.name)
    await shot(page, f"{name}-1-follow")
    await page.fill("input[name=phone]", new_phone())
    await page.check("input[name=consent_service]")
    if marketing:
        await page.check("input[name=consent_marketing]")
    await page.check("input[name=age_confirmed]")
    await page.click("form[data-step=phone] button[type=submit]")
    await expect(page.locator("form[data-step=verify]")).to_be_visible()
    await shot(page, f"{name}-2-code")
    ref = parse_qs(urlparse(page.url).query)["c"][0]
    await page.fill("input[name=code]", dev_sms_code(ref))
    await page.click("form[data-step=verify] button[type=submit]")
    await expect(page.locator("[data-wallet]")).to_be_visible()
    return page.url


async def test_follow_and_wallet_without_javascript(phone_browser, world):
    channel = await make_channel(world)
    context = await phone(phone_browser, javascript=False)
    page = await context.new_page()
    try:
        wallet_url = await follow_through(page, world, channel, "nojs", marketing=False)
        assert "/w/" in wallet_url
        await expect(page.locator("#push noscript")).to_have_count(1)
        await expect(page.locator("[data-push]")).to_be_hidden()
        await shot(page, "nojs-3-wallet")
        # Privacy controls are plain forms.
        await page.click("#privacy form[action$='/marketing'] button")
        await expect(page.locator(".flash")).to_be_visible()
        await shot(page, "nojs-4-wallet-marketing-on")
        await page.select_option("#privacy select[name=language]", "en")
        await page.click("#privacy form[action$='/language'] button")
        await expect(page.locator(".flash")).to_be_visible()
        await expect(page.locator("#privacy select[name=language]")).to_have_value("en")
        await shot(page, "nojs-4b-wallet-language-en")
        await page.goto(f"{world.url}/f/{channel['code']}")
        await expect(page.locator("form[data-step=known]")).to_be_visible()
        await shot(page, "nojs-5-follow-known")
    finally:
        await context.close()


async def test_follow_errors_shown_without_javascript(phone_browser, world):
    channel = await make_channel(world, kind="store", name="门口海报")
    context = await phone(phone_browser, javascript=False)
    page = await context.new_page()
    try:
        await page.goto(f"{world.url}/f/{channel['code']}")
        await page.fill("input[name=phone]", "1380000")
        await page.check("input[name=consent_service]")
        await page.check("input[name=age_confirmed]")
        await page.click("form[data-step=phone] button[type=submit]")
        await expect(page.locator("[data-errors]")).to_contain_text("不是有效的中国大陆手机号")
        await expect(page.locator("input[name=phone]")).to_have_value("1380000")
        await shot(page, "nojs-6-follow-error")
    finally:
        await context.close()


async def test_follow_and_wallet_with_javascript_and_push(phone_browser, world):
    channel = await make_channel(world, name="活动码", kind="event", campaign="国庆")
    context = await phone(phone_browser, javascript=True)
    await context.grant_permissions(["notifications"], origin=world.url)
    page = await context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        await follow_through(page, world, channel, "js", marketing=True)
        await expect(page.locator("[data-push]")).to_be_visible()
        assert await page.evaluate("navigator.serviceWorker.ready.then(r => r.scope)") == world.url + "/w/"
        await page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15_000)
        await shot(page, "js-3-wallet")
        # The service worker shows a pushed message (delivered through DevTools, as the push service would).
        cdp = await context.new_cdp_session(page)
        registrations = []
        cdp.on("ServiceWorker.workerRegistrationUpdated", lambda event: registrations.extend(event["registrations"]))
        await cdp.send("ServiceWorker.enable")
        for _ in range(50):
            found = [r for r in registrations if r["scopeURL"].endswith("/w/") and not r.get("isDeleted")]
            if found:
                break
            await page.wait_for_timeout(100)
        registration = found[0]
        titles = []
        for _ in range(3):  # a push that reaches a worker still starting up is dropped by Chromium: deliver again
            await cdp.send("ServiceWorker.deliverPushMessage", {
                "origin": world.url + "/", "registrationId": registration["registrationId"],
                "data": '{"id": 7, "title": "生日快乐", "body": "送您一张 20 元券", "url": "/w?m=7"}',
            })
            titles = await page.evaluate("""async () => {
                const registration = await navigator.serviceWorker.ready;
                for (let i = 0; i < 30; i++) {
                    const shown = await registration.getNotifications();
                    if (shown.length) return shown.map(n => [n.title, n.body, n.data.url]);
                    await new Promise(r => setTimeout(r, 100));
                }
                return [];
            }""")
            if titles:
                break
        assert titles == [["生日快乐", "送您一张 20 元券", "/w?m=7"]]
        assert errors == []
    finally:
        await context.close()


async def test_pages_in_english(phone_browser, world):
    channel = await make_channel(world, kind="store", name="Front door")
    context = await phone(phone_browser, javascript=True, lang="en-US")
    page = await context.new_page()
    try:
        await page.goto(f"{world.url}/f/{channel['code']}")
        await expect(page.locator("button[type=submit]")).to_have_text("Send me a code")
        await shot(page, "en-1-follow")
        await page.goto(f"{world.url}/f/NOSUCHCODE0")
        await shot(page, "en-2-not-found")
    finally:
        await context.close()


async def test_not_found_pages(phone_browser, world):
    context = await phone(phone_browser, javascript=False)
    page = await context.new_page()
    try:
        response = await page.goto(f"{world.url}/f/NOSUCHCODE0")
        assert response.status == 404
        await expect(page.locator("h1")).to_have_text("二维码无效")
        await shot(page, "nojs-7-code-not-found")
        response = await page.goto(f"{world.url}/w/{'x' * 32}")
        assert response.status == 404
        await shot(page, "nojs-8-wallet-not-found")
    finally:
        await context.close()


async def test_welcome_coupon_and_redeem_at_the_counter(phone_browser, world):
    """A person with only a phone: scan, follow, see the coupon, scan the counter's QR, redeem."""
    from tests.support.coupons import make_template

    template = await make_template(world, name_zh="新人礼 20 元", terms_zh="办理任意业务可用，每人限一张",
                                   min_spend_fen=5000)
    channel = await make_channel(world, welcome_template_id=template.id)
    context = await phone(phone_browser, javascript=False)
    page = await context.new_page()
    try:
        await follow_through(page, world, channel, "coupon", marketing=False)
        await expect(page.locator("#coupons [data-coupon]")).to_have_count(1)
        await shot(page, "coupon-3-wallet")
        token = (await world.clerk_a.get("/api/v1/counter/qr")).json()["token"]
        await page.goto(f"{world.url}/redeem/{token}")
        await expect(page.locator("main[data-step=choose] [data-coupon]")).to_have_count(1)
        await shot(page, "coupon-4-redeem-choose")
        await page.click("main[data-step=choose] a.button")
        await expect(page.locator("[data-confirm]")).to_be_visible()
        await page.fill("[data-spend]", "80")  # 满 50 元可用: the customer states what they spend
        await shot(page, "coupon-5-redeem-confirm")
        await page.click("[data-confirm]")
        await expect(page.locator("[data-done]")).to_be_visible()
        await shot(page, "coupon-6-redeem-done")
    finally:
        await context.close()


async def test_counter_tablet_sees_the_customer_redeem(phone_browser, world):
    """The tablet shows the rotating QR; the phone scans it (decoded from the tablet's screen) and redeems;
    the tablet shows the redemption the moment it happens."""
    import io

    import zxingcpp
    from PIL import Image

    from tests.support.coupons import make_template
    from tests.support.world import STAFF_PASSWORD

    template = await make_template(world, name_zh="到店礼 10 元", amount_off_fen=1000)
    channel = await make_channel(world, welcome_template_id=template.id)
    tablet = await phone_browser.new_context(viewport={"width": 1024, "height": 768}, locale="zh-CN")
    customer = await phone(phone_browser, javascript=True)
    try:
        counter_page = await tablet.new_page()
        login = await counter_page.request.post(f"{world.url}/api/v1/auth/login",
                                                data={"username": "clerk_a2", "password": STAFF_PASSWORD})
        assert login.ok
        await counter_page.goto(f"{world.url}/counter")
        await expect(counter_page.locator("[data-counter-qr] svg")).to_be_visible()
        await counter_page.wait_for_timeout(500)  # the event stream is open
        await shot(counter_page, "counter-1-tablet")
        png = await counter_page.locator("[data-counter-qr]").screenshot()
        [scanned] = [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]
        assert scanned.startswith(f"{world.url}/redeem/")

        phone_page = await customer.new_page()
        await follow_through(phone_page, world, channel, "counter", marketing=False)
        await phone_page.goto(scanned)
        await phone_page.click("main[data-step=choose] a.button")
        await phone_page.click("[data-confirm]")
        await expect(phone_page.locator("[data-done]")).to_be_visible()
        await expect(counter_page.locator("[data-counter-done]")).to_be_visible(timeout=5_000)
        await expect(counter_page.locator("[data-counter-done-text]")).to_contain_text("到店礼 10 元")
        await shot(counter_page, "counter-2-tablet-redeemed")
    finally:
        await tablet.close()
        await customer.close()
