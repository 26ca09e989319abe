"""Headless Debian Chromium at phone size on the public customer pages, JavaScript off and on.

Screenshots are kept under var/test-artifacts/pages/ (git-ignored)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.async_api import Browser, BrowserContext, async_playwright

from tests.support.server import ROOT

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]
ARTIFACTS = ROOT / "var" / "test-artifacts" / "pages"
PHONE = {"width": 390, "height": 844}
WECHAT_UA = ("Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 "
             "Mobile Safari/537.36 MicroMessenger/8.0.47.2560 NetType/WIFI Language/zh_CN")


@pytest.fixture(scope="session")
async def phone_browser() -> Browser:
    executable = shutil.which("chromium")
    if executable is None:
        pytest.skip("Debian's chromium is not installed (make system-deps)")
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        await launched.close()


async def phone(browser: Browser, *, javascript: bool, lang: str = "zh-CN") -> BrowserContext:
    return await browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, java_script_enabled=javascript,
        user_agent=WECHAT_UA, locale=lang, extra_http_headers={"Accept-Language": lang},
    )


async def shot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    await page.screenshot(path=str(path), full_page=True)
    return path
