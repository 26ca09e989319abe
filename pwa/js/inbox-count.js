// The unread count of the staff inbox, for the badge in the navigation: asked on start, every minute, and
// whenever a screen or the service worker says the inbox changed.

import * as api from "./api.js";
import * as network from "./network.js";

const EVERY_MS = 60000;
let unread = 0;

export function current() {
  return unread;
}

export async function refresh() {
  if (!network.isOnline()) return unread;
  try {
    const page = await api.get("/api/v1/inbox?limit=1");
    unread = page.unread;
  } catch {
    return unread;
  }
  window.dispatchEvent(new CustomEvent("inbox:count", { detail: unread }));
  return unread;
}

/** Starts watching; returns a function that stops it. */
export function watch() {
  const changed = () => refresh();
  const fromWorker = (event) => { if (event.data?.type === "inbox:push") refresh(); };
  const timer = setInterval(changed, EVERY_MS);
  window.addEventListener("inbox:changed", changed);
  navigator.serviceWorker?.addEventListener("message", fromWorker);
  refresh();
  return () => {
    clearInterval(timer);
    window.removeEventListener("inbox:changed", changed);
    navigator.serviceWorker?.removeEventListener("message", fromWorker);
  };
}
