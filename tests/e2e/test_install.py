"""Installability: the manifest has what browsers require, the service worker controls the page,
and the shell loads with the network off."""

from __future__ import annotations

import io

import httpx
from PIL import Image
from playwright.async_api import expect


async def test_manifest_has_what_browsers_require(server):
    async with httpx.AsyncClient(base_url=server.url) as http:
        page = await http.get("/app/")
        assert 'rel="manifest" href="manifest.webmanifest"' in page.text
        response = await http.get("/app/manifest.webmanifest")
        assert response.headers["content-type"].startswith("application/manifest+json")
        manifest = response.json()
        assert manifest["name"] and manifest["short_name"]
        assert manifest["start_url"] == "/app/" and manifest["scope"] == "/app/"
        assert manifest["display"] in ("standalone", "fullscreen", "minimal-ui")
        assert manifest["lang"] == "zh-CN"
        sizes = {}
        for icon in manifest["icons"]:
            image = await http.get(f"/app/{icon['src']}")
            assert image.status_code == 200 and image.headers["content-type"] == "image/png"
            width, height = Image.open(io.BytesIO(image.content)).size
            assert f"{width}x{height}" == icon["sizes"]
            sizes.setdefault(icon.get("purpose", "any"), set()).add(icon["sizes"])
        assert {"192x192", "512x512"} <= sizes["any"]
        assert "512x512" in sizes["maskable"]


async def test_root_leads_to_the_app(server):
    async with httpx.AsyncClient(base_url=server.url) as http:
        assert (await http.get("/")).headers["location"] == "/app/"
        assert (await http.get("/app")).headers["location"] == "/app/"
        worker = await http.get("/app/sw.js")
        assert worker.headers["cache-control"] == "no-cache"
        assert 'const VERSION = "dev";' not in worker.text  # the server stamps the shell's digest


async def test_service_worker_controls_page_and_chrome_finds_it_installable(world, tablet):
    await tablet.login("clerk_a")
    await tablet.controlled()
    page = tablet.page
    script = await page.evaluate("navigator.serviceWorker.controller.scriptURL")
    scope = await page.evaluate("navigator.serviceWorker.ready.then(r => r.scope)")
    assert script == f"{tablet.url}/app/sw.js"
    assert scope == f"{tablet.url}/app/"
    cdp = await tablet.context.new_cdp_session(page)
    manifest = await cdp.send("Page.getAppManifest")
    assert manifest["errors"] == []
    installability = await cdp.send("Page.getInstallabilityErrors")
    # Playwright's contexts are incognito profiles, where Chrome never offers installation.
    errors = [e["errorId"] for e in installability["installabilityErrors"] if e["errorId"] != "in-incognito"]
    assert errors == []


async def test_shell_loads_offline_after_first_visit(world, tablet):
    await tablet.login("clerk_a")
    await tablet.controlled()
    await tablet.context.set_offline(True)
    await tablet.page.reload()
    await expect(tablet.page.locator("[data-net]")).to_have_attribute("data-net", "offline")
    await expect(tablet.page.locator("[data-user=clerk_a]")).to_be_attached()
    await tablet.go("#/capture")
    await expect(tablet.page.locator("[data-input=phone]")).to_be_visible()
    await tablet.context.set_offline(False)


async def test_changed_shell_reaches_the_tablet_as_an_update(world, tablet):
    import os
    import time

    from regulars.pwa import PWA_DIR

    page = tablet.page
    await tablet.login("clerk_a")
    await tablet.controlled()
    before = await page.evaluate("caches.keys()")
    stylesheet = PWA_DIR / "css" / "app.css"
    later = time.time() + 60
    os.utime(stylesheet, (later, later))  # same bytes, new digest: what a deployment looks like
    await page.evaluate("navigator.serviceWorker.getRegistration().then(r => r.update())")
    banner = page.locator("[data-update]")
    await expect(banner).to_be_visible()
    # the waiting version is offered again after a reload and after the shell is rebuilt
    await page.reload()
    await expect(page.locator("[data-user=clerk_a]")).to_be_attached()
    await expect(banner).to_be_visible()
    await page.click("[data-action=lang]")
    await expect(page.locator("html[lang=en]")).to_be_attached()
    await expect(banner).to_be_visible()
    await banner.locator("[data-action=update]").click()
    await expect(page.locator("[data-user=clerk_a]")).to_be_attached()
    await page.wait_for_function("navigator.serviceWorker.controller !== null")
    # the new worker deletes the old shell cache when it activates, which can trail the reload a little
    await page.wait_for_function("caches.keys().then(keys => keys.length === 1)")
    after = await page.evaluate("caches.keys()")
    assert after != before
