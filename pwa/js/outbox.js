// The page's side of the outbox: queue a write (its Idempotency-Key made when the clerk taps),
// ask the service worker to send it, hear what became of it. The worker alone replays.

import { csrf } from "./api.js";
import * as db from "./db.js";
import * as session from "./session.js";

const SYNC_TAG = "outbox";
const waiters = new Map();

export function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function changed() {
  window.dispatchEvent(new CustomEvent("outbox:changed"));
}

/** Asks the worker to send what is waiting (now, and again by Background Sync where the browser has it). */
export async function replay() {
  if (!("serviceWorker" in navigator)) return;
  const token = csrf(); // the worker cannot read cookies: hand it the current CSRF token
  if (token) await db.setMeta("csrf", token);
  const registration = await navigator.serviceWorker.ready;
  registration.active?.postMessage({ type: "replay" });
  try {
    await registration.sync?.register(SYNC_TAG);
  } catch {
    // Background Sync refused (not supported, or no permission): the online event and app start cover it.
  }
}

/**
 * Queues one write. `key` is the Idempotency-Key made at tap time; `ref` is a customer id,
 * "local:<key>" for a customer captured offline, or null. "{customer}" in `path` or as a value in
 * `body` becomes that customer's server id when the write is sent.
 */
export async function submit({ key, kind, method, path, ref = null, local, body, label = {} }) {
  const me = session.current();
  const entry = { key, kind, method, path, ref, body, label, staffId: me.staff_id, createdAt: Date.now(),
                  state: "pending", attempts: 0, problem: null };
  if (kind === "customer.create") entry.local = local || `local:${key}`;
  await db.addEntry(entry);
  changed();
  replay();
  return entry;
}

/** What became of the entry: resolves with the worker's message, or null after `ms`. */
export function outcome(key, ms) {
  return new Promise((resolve) => {
    const timer = setTimeout(() => { waiters.delete(key); resolve(null); }, ms);
    waiters.set(key, (message) => { clearTimeout(timer); waiters.delete(key); resolve(message); });
  });
}

export async function list() {
  const me = session.current();
  const all = await db.entries();
  return me ? all.filter((e) => e.staffId === me.staff_id) : all;
}

/** Entries saved on this tablet by other staff, sent once they log in again. */
export async function othersCount() {
  const me = session.current();
  return (await db.entries()).filter((e) => !me || e.staffId !== me.staff_id).length;
}

export async function count() {
  return (await list()).length;
}

export async function byKey(key) {
  return db.entryByKey(key);
}

/** The queued writes about one customer (a server id or "local:<key>"). */
export async function about(ref) {
  return (await list()).filter((e) => e.ref === ref || e.local === ref);
}

export async function serverId(local) {
  const found = await db.ref(local);
  return found ? found.id : null;
}

/** Drops an entry, and whatever was queued about the customer it would have created. */
export async function discard(key) {
  const all = await db.entries();
  const entry = all.find((e) => e.key === key);
  if (!entry) return;
  const dependants = entry.kind === "customer.create" ? all.filter((e) => e.ref === entry.local) : [];
  await db.deleteEntries([entry.seq, ...dependants.map((e) => e.seq)]);
  changed();
}

/** A refused capture whose phone is already a customer: what was queued about it goes to that customer. */
export async function useExisting(key, existingId) {
  const entry = await db.entryByKey(key);
  if (!entry) return;
  await db.putRef({ local: entry.local, id: existingId, at: Date.now() });
  await db.deleteEntries([entry.seq]);
  changed();
  replay();
}

/** Sends a refused entry again (after the clerk fixed what was wrong elsewhere). */
export async function retry(key) {
  const entry = await db.entryByKey(key);
  if (!entry) return;
  await db.putEntry({ ...entry, state: "pending", problem: null });
  changed();
  replay();
}

/** Sends a refused entry again with another body: the clerk's answer to what the server refused. */
export async function amend(key, body) {
  const entry = await db.entryByKey(key);
  if (!entry) return;
  await db.putEntry({ ...entry, body, state: "pending", problem: null });
  changed();
  replay();
}

export function init() {
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.addEventListener("message", (event) => {
    const message = event.data || {};
    if (!String(message.type).startsWith("outbox:")) return;
    if (message.key && waiters.has(message.key)) waiters.get(message.key)(message);
    if (message.type !== "outbox:offline") changed();
    window.dispatchEvent(new CustomEvent("outbox:message", { detail: message }));
  });
}
