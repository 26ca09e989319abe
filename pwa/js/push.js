// Web Push for staff: subscribing this browser with the server's VAPID key, and undoing it. The inbox works
// whether or not push does; push only brings the news sooner.

import * as api from "./api.js";

/** "unsupported" (no PushManager here), "denied" (notifications blocked), "on" or "off". */
export async function state() {
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) return "unsupported";
  if (Notification.permission === "denied") return "denied";
  const registration = await navigator.serviceWorker.getRegistration();
  const subscription = registration ? await registration.pushManager.getSubscription() : null;
  return subscription ? "on" : "off";
}

function keyBytes(base64url) {
  const padded = base64url.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(base64url.length / 4) * 4, "=");
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
}

export class PushRefused extends Error {
  constructor(reason, detail = "") {
    super(detail || reason);
    this.reason = reason;
  }
}

/** Asks for permission, subscribes with the server's key and hands the subscription to the server. */
export async function enable() {
  const permission = await Notification.requestPermission();
  if (permission !== "granted") throw new PushRefused(permission === "denied" ? "denied" : "dismissed");
  const registration = await navigator.serviceWorker.ready;
  const { public_key: key } = await api.get("/api/v1/push/vapid-public-key");
  let subscription;
  try {
    subscription = await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(key) });
  } catch (error) {
    throw new PushRefused("browser", error.message);
  }
  try {
    await api.post("/api/v1/push/subscriptions", { ...subscription.toJSON(), owner: "staff" });
  } catch (error) {
    await subscription.unsubscribe().catch(() => null);
    throw error;
  }
}

export async function disable() {
  const registration = await navigator.serviceWorker.getRegistration();
  const subscription = registration ? await registration.pushManager.getSubscription() : null;
  if (!subscription) return;
  await api.del(`/api/v1/push/subscriptions?owner=staff&endpoint=${encodeURIComponent(subscription.endpoint)}`);
  await subscription.unsubscribe();
}
