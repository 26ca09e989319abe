// Regulars staff app service worker: owns the caches and the outbox replay.
// The server writes VERSION (a digest of the shell's files) when it serves this file.

import { replayAll } from "./js/replay.js";

const VERSION = "dev";
const CACHE = `regulars-shell-${VERSION}`;
const SYNC_TAG = "outbox";
const SHELL = [
  "./",
  "css/acquisition.css",
  "css/app.css",
  "i18n/en.json",
  "i18n/zh-CN.json",
  "icons/apple-touch-icon.png",
  "icons/icon-192.png",
  "icons/icon-512.png",
  "icons/icon-maskable-512.png",
  "index.html",
  "js/amount-field.js",
  "js/amounts.js",
  "js/api.js",
  "js/completeness.js",
  "js/config.js",
  "js/coupon-text.js",
  "js/counter-frame.js",
  "js/counter-stream.js",
  "js/db.js",
  "js/device.js",
  "js/dialog.js",
  "js/dom.js",
  "js/existing.js",
  "js/format.js",
  "js/i18n.js",
  "js/icons.js",
  "js/main.js",
  "js/network.js",
  "js/outbox.js",
  "js/profile-form.js",
  "js/purchase-text.js",
  "js/qr-worker.js",
  "js/recent.js",
  "js/redeemed.js",
  "js/redemption.js",
  "js/replay.js",
  "js/router.js",
  "js/routes.js",
  "js/scanner.js",
  "js/screens/capture.js",
  "js/screens/channel-poster.js",
  "js/screens/channel.js",
  "js/screens/channels.js",
  "js/screens/counter-follow.js",
  "js/screens/counter.js",
  "js/screens/coupon-template.js",
  "js/screens/coupon-templates.js",
  "js/screens/customer-edit.js",
  "js/screens/customer-privacy.js",
  "js/screens/customer.js",
  "js/screens/home.js",
  "js/screens/import.js",
  "js/screens/login.js",
  "js/screens/outbox.js",
  "js/screens/panel-coupons.js",
  "js/screens/panel-points.js",
  "js/screens/panel-purchases.js",
  "js/screens/panels.js",
  "js/screens/redeem.js",
  "js/screens/reports.js",
  "js/screens/reversal.js",
  "js/screens/search.js",
  "js/screens/staff.js",
  "js/session.js",
  "js/shell.js",
  "manifest.webmanifest",
];
// Browser packages copied in by `make pwa-vendor` (git-ignored): cached when present; the shell works without them.
const OPTIONAL = ["vendor/jsQR.js"];

let replaying = null;
let again = false;

async function tell(message) {
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  for (const client of windows) client.postMessage(message);
}

// One replay at a time; a request that arrives meanwhile runs one more pass after it.
function replay() {
  if (replaying) {
    again = true;
    return replaying;
  }
  replaying = (async () => {
    let outcome;
    do {
      again = false;
      outcome = await replayAll(tell);
    } while (again);
    await tell({ type: "outbox:idle", outcome });
    return outcome;
  })().finally(() => { replaying = null; });
  return replaying;
}

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await cache.addAll(SHELL.map((path) => new Request(path, { cache: "reload" })));
    await Promise.all(OPTIONAL.map((path) => cache.add(new Request(path, { cache: "reload" })).catch(() => null)));
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((n) => n.startsWith("regulars-shell-") && n !== CACHE).map((n) => caches.delete(n)));
    await self.clients.claim();
  })());
});

// The API always goes to the network (the outbox covers writes); the shell comes from the cache.
self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  if (!url.pathname.startsWith(new URL("./", self.location).pathname)) return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    if (event.request.mode === "navigate") {
      return (await cache.match("index.html")) || fetch(event.request);
    }
    const hit = await cache.match(event.request, { ignoreSearch: true });
    if (hit) return hit;
    const response = await fetch(event.request);
    if (response.ok) await cache.put(event.request, response.clone());
    return response;
  })());
});

self.addEventListener("sync", (event) => {
  if (event.tag === SYNC_TAG) event.waitUntil(replay());
});

self.addEventListener("message", (event) => {
  const type = event.data && event.data.type;
  if (type === "replay") event.waitUntil(replay());
  if (type === "skip-waiting") event.waitUntil(self.skipWaiting());
  if (type === "version") event.source.postMessage({ type: "version", version: VERSION });
});
