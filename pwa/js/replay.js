// Sends the outbox to the server, oldest first. Imported by the service worker only.
//
// What an answer means for an entry:
//   2xx                    sent: removed (a capture leaves its server id in `refs`)
//   network error, 408,
//   429, 5xx               the network or server is not ready: stop, keep everything, try later
//   401, 403 CSRF          the session ended: stop until the clerk logs in again
//   any other 4xx          refused (a phone that became a customer meanwhile, a customer erased, a profile
//                          field someone else changed since the clerk saw it): kept as "refused" for the
//                          clerk to resolve, never dropped, never retried
// An entry about a customer captured offline waits for that capture; if the capture was refused,
// it waits for the clerk's decision.

import * as db from "./db.js";

const RETRY_LATER = new Set([408, 425, 429]);

export function resolvedPath(entry, id) {
  return entry.path.replace("{customer}", String(id));
}

/** The body with "{customer}" (a customer captured offline, e.g. a purchase's customer_id) made the server id. */
export function resolvedBody(body, id) {
  if (body === "{customer}") return id;
  if (Array.isArray(body)) return body.map((item) => resolvedBody(item, id));
  if (body && typeof body === "object") {
    return Object.fromEntries(Object.entries(body).map(([key, value]) => [key, resolvedBody(value, id)]));
  }
  return body;
}

async function customerId(entry) {
  if (entry.ref === undefined || entry.ref === null) return null;
  if (typeof entry.ref === "number") return entry.ref;
  const found = await db.ref(entry.ref);
  return found ? found.id : undefined;
}

async function problemOf(response) {
  try {
    const body = await response.json();
    // `fields` and `current`: a profile change refused as changed meanwhile names the fields and their values now
    return { status: response.status, code: body.code || "", detail: body.detail || "", field: body.field || null,
             existingId: body.existing_id ?? null, fields: body.fields ?? null, current: body.current ?? null };
  } catch {
    return { status: response.status, code: "", detail: response.statusText, field: null, existingId: null,
             fields: null, current: null };
  }
}

async function send(entry, id, csrf, lang) {
  const headers = { "Accept": "application/json", "Accept-Language": lang || "zh-CN",
                    "Idempotency-Key": entry.key, "x-csrftoken": csrf || "" };
  if (entry.body !== undefined) headers["Content-Type"] = "application/json";
  return fetch(resolvedPath(entry, id), {
    method: entry.method,
    headers,
    body: entry.body === undefined ? undefined : JSON.stringify(resolvedBody(entry.body, id)),
    credentials: "same-origin",
    cache: "no-store",
  });
}

/**
 * Replays every pending entry of the logged-in staff member once, in tap order.
 * `report(message)` hears about each outcome; returns why it stopped.
 */
export async function replayAll(report) {
  const me = await db.getMeta("me");
  if (!me) return "no-session";
  const csrf = await db.getMeta("csrf");
  const lang = await db.getMeta("lang");
  const all = (await db.entries()).filter((e) => e.staffId === me.staff_id);
  const blocked = new Set(all.filter((e) => e.state === "refused").map((e) => e.key));
  for (const entry of all) {
    if (entry.state !== "pending") continue;
    const id = await customerId(entry);
    if (id === undefined) {
      // Its capture has not gone through yet (still queued or refused): it cannot go before it.
      blocked.add(entry.key);
      continue;
    }
    let response;
    try {
      response = await send(entry, id, csrf, lang);
    } catch {
      report({ type: "outbox:offline" });
      return "offline";
    }
    if (response.ok) {
      const body = response.status === 204 ? null : await response.json().catch(() => null);
      const created = entry.kind === "customer.create" && body && body.id;
      await db.completeEntry(entry.seq, created ? { local: entry.local, id: body.id, at: Date.now() } : null);
      report({ type: "outbox:sent", key: entry.key, kind: entry.kind, ref: id, local: entry.local, status: response.status, body });
      continue;
    }
    const problem = await problemOf(response);
    if (response.status >= 500 || RETRY_LATER.has(response.status)) {
      await db.putEntry({ ...entry, attempts: (entry.attempts || 0) + 1, problem });
      report({ type: "outbox:later", key: entry.key, problem });
      return "later";
    }
    if (response.status === 401 || problem.code === "error.csrf") {
      report({ type: "outbox:login", key: entry.key, problem });
      return "login";
    }
    await db.putEntry({ ...entry, state: "refused", attempts: (entry.attempts || 0) + 1, problem });
    blocked.add(entry.key);
    report({ type: "outbox:refused", key: entry.key, kind: entry.kind, problem });
  }
  return blocked.size ? "blocked" : "empty";
}
