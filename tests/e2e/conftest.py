"""Headless Debian Chromium driving the staff app served by the real server process.

Each test gets a fresh browser context (its own IndexedDB, service worker and cookies).
Screenshots are kept under var/test-artifacts/screenshots/ (git-ignored).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.async_api import Browser, BrowserContext, Page, async_playwright, expect

from tests.support.server import ROOT
from tests.support.world import STAFF_PASSWORD

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]
SCREENSHOTS = ROOT / "var" / "test-artifacts" / "screenshots"
TABLET = {"width": 1024, "height": 768}
TABLET_WIDE = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}

expect.set_options(timeout=20_000)  # generous: a busy CI machine is slow, a failure is still clear


@pytest.fixture(scope="session")
async def browser() -> Browser:
    executable = shutil.which("chromium")
    if executable is None:
        pytest.skip("Debian's chromium is not installed (make system-deps)")
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        await launched.close()


class App:
    """One tablet: a browser context on the app, with the moves a clerk makes."""

    def __init__(self, context: BrowserContext, page: Page, url: str):
        self.context = context
        self.page = page
        self.url = url
        self.errors: list[str] = []
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    async def open(self, lang: str = "zh-CN") -> None:
        await self.page.goto(f"{self.url}/app/")
        if lang != "zh-CN":
            await self.page.evaluate("lang => localStorage.setItem('regulars.lang', lang)", lang)
            await self.page.reload()

    async def login(self, username: str, password: str = STAFF_PASSWORD, lang: str = "zh-CN") -> None:
        await self.open(lang)
        await self.page.fill("[data-input=username]", username)
        await self.page.fill("[data-input=password]", password)
        await self.page.click("[data-action=login]")
        await expect(self.page.locator(f"[data-user='{username}']")).to_be_attached()

    async def controlled(self) -> None:
        """Waits until the service worker controls the page (only then can the page load offline)."""
        await self.page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=30_000)

    async def go(self, route: str) -> None:
        await self.page.evaluate("route => { location.hash = route; }", route)

    async def offline(self, value: bool) -> None:
        await self.context.set_offline(value)
        await expect(self.page.locator("[data-net]")).to_have_attribute("data-net", "offline" if value else "online")

    async def outbox_count(self) -> int:
        return int(await self.page.locator("[data-outbox-count]").get_attribute("data-outbox-count"))

    async def expect_outbox(self, count: int, timeout: float = 30_000) -> None:
        await expect(self.page.locator("[data-outbox-count]")).to_have_attribute("data-outbox-count", str(count), timeout=timeout)

    async def capture(self, phone: str, name: str, tags: list[str] | None = None) -> None:
        """Fills Capture and saves; leaves the page on the new customer (server id or local:…)."""
        await self.go("#/capture")
        await self.page.fill("[data-input=phone]", phone)
        await expect(self.page.locator("[data-input=name]")).to_be_visible()
        await self.page.fill("[data-input=name]", name)
        for tag in tags or []:
            await self.page.fill("[data-input=tags_new]", tag)
            await self.page.press("[data-input=tags_new]", "Enter")
        await self.page.click("[data-action=save]")
        await expect(self.page.locator("[data-customer-name]")).to_have_text(name)

    async def add_note(self, text: str) -> None:
        await self.page.fill("[data-input=note]", text)
        await self.page.click("[data-action=add-note]")
        await expect(self.page.locator("[data-input=note]")).to_have_value("")

    async def shot(self, name: str, full_page: bool = False) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        await self.page.wait_for_timeout(250)  # let transitions settle
        await self.page.screenshot(path=str(path), full_page=full_page)
        return path


@pytest.fixture
async def tablet(browser, server) -> App:
    context = await browser.new_context(viewport=TABLET, locale="zh-CN", timezone_id="Asia/Shanghai")
    page = await context.new_page()
    app = App(context, page, server.url)
    yield app
    await context.close()
    assert not app.errors, app.errors


@pytest.fixture
async def tablets(browser, server):
    """Makes further tablets (other sizes, a second staff member), closed after the test."""
    made: list[App] = []

    async def make(viewport: dict = TABLET) -> App:
        context = await browser.new_context(viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai")
        app = App(context, await context.new_page(), server.url)
        made.append(app)
        return app

    yield make
    for app in made:
        await app.context.close()
    assert not [e for app in made for e in app.errors]
