// Regulars staff app service worker: owns the caches, the outbox replay and staff push notifications.
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
  "js/care-text.js",
  "js/completeness.js",
  "js/config.js",
  "js/coupon-text.js",
  "js/counter-frame.js",
  "js/counter-stream.js",
  "js/db.js",
  "js/device.js",
  "js/dialog.js",
  "js/dom.js",
  "js/edit-conflict.js",
  "js/existing.js",
  "js/format.js",
  "js/i18n.js",
  "js/icons.js",
  "js/inbox-count.js",
  "js/main.js",
  "js/network.js",
  "js/outbox.js",
  "js/profile-form.js",
  "js/purchase-text.js",
  "js/push.js",
  "js/qr-worker.js",
  "js/recent.js",
  "js/redeemed.js",
  "js/redemption.js",
  "js/relogin.js",
  "js/replay.js",
  "js/router.js",
  "js/routes.js",
  "js/scanner.js",
  "js/screens/campaign-parts.js",
  "js/screens/campaign.js",
  "js/screens/campaigns.js",
  "js/screens/capture.js",
  "js/screens/channel-poster.js",
  "js/screens/channel.js",
  "js/screens/channels.js",
  "js/screens/counter-follow.js",
  "js/screens/counter.js",
  "js/screens/coupon-template-view.js",
  "js/screens/coupon-template.js",
  "js/screens/coupon-templates.js",
  "js/screens/customer-edit.js",
  "js/screens/customer-privacy.js",
  "js/screens/customer.js",
  "js/screens/home.js",
  "js/screens/import.js",
  "js/screens/inbox.js",
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
  "js/screens/staff-dialogs.js",
  "js/screens/staff.js",
  "js/screens/tasks.js",
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

// Rejecting when the server could not be reached (or asked to wait) makes the browser try again later.
self.addEventListener("sync", (event) => {
  if (event.tag !== SYNC_TAG) return;
  event.waitUntil(replay().then((outcome) => {
    if (outcome === "offline" || outcome === "later") throw new Error(`outbox replay: ${outcome}, to be retried`);
  }));
});

// A push carries { title, body, url }: shown as a notification, and the open windows refresh their inbox count.
self.addEventListener("push", (event) => {
  event.waitUntil((async () => {
    let data = {};
    try {
      data = event.data ? event.data.json() : {};
    } catch {
      data = { body: event.data ? event.data.text() : "" };
    }
    await self.registration.showNotification(data.title || "门店熟客 Regulars", {
      body: data.body || "", icon: "icons/icon-192.png", badge: "icons/icon-192.png",
      tag: data.id ? `inbox-${data.id}` : undefined, data: { url: data.url || "" },
    });
    await tell({ type: "inbox:push", id: data.id || null });
  })());
});

// The screen a notification leads to: the inbox for staff messages, or the app's own route it names.
function screenFor(url) {
  const scope = new URL("./", self.location);
  try {
    const target = new URL(url, scope);
    if (target.origin === scope.origin && target.pathname.startsWith(scope.pathname)) {
      if (target.hash.startsWith("#/")) return new URL(target.hash, scope).href;
      if (target.searchParams.has("task")) return new URL("#/tasks", scope).href;
    }
  } catch {
    // not a URL: the inbox holds the message anyway
  }
  return new URL("#/inbox", scope).href;
}

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = screenFor(event.notification.data?.url || "");
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
    const open = windows.find((client) => new URL(client.url).pathname === new URL(target).pathname);
    if (open) {
      await open.focus();
      return open.navigate(target).catch(() => open.postMessage({ type: "navigate", url: target }));
    }
    return self.clients.openWindow(target);
  })());
});

self.addEventListener("message", (event) => {
  const type = event.data && event.data.type;
  if (type === "replay") event.waitUntil(replay());
  if (type === "skip-waiting") event.waitUntil(self.skipWaiting());
  if (type === "version") event.source.postMessage({ type: "version", version: VERSION });
});
