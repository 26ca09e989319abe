// Who is logged in. Kept in IndexedDB too, so the app opens offline and the worker replays as them.

import * as api from "./api.js";
import * as db from "./db.js";
import { lang } from "./i18n.js";

let me = null;

export function current() {
  return me;
}

export function isManager() {
  return me && (me.role === "manager" || me.role === "admin");
}

async function remember(value, csrf) {
  me = value;
  await db.setMeta("me", value);
  await db.setMeta("lang", lang());
  const token = csrf || api.csrf();
  if (token) {
    api.setCsrf(token);
    await db.setMeta("csrf", token);
  }
}

/**
 * Asks the server who we are. Null when nobody is logged in: only a 401 says so. Unreachable, or
 * answering with an error of its own (a 503 while it restarts), it trusts the last answer;
 * `offline` then says the session could not be confirmed.
 */
export async function restore() {
  try {
    const value = await api.get("/api/v1/me", { timeout: 5000, relogin: false });
    await remember(value);
    return { me: value, offline: false };
  } catch (error) {
    if (error instanceof api.ApiError && error.status === 401) {
      me = null;
      await db.deleteMeta("me");
      return { me: null, offline: false };
    }
    me = (await db.getMeta("me")) || null;
    const token = await db.getMeta("csrf");
    if (token) api.setCsrf(token);
    return { me, offline: true };
  }
}

export async function login(username, password) {
  const result = await api.post("/api/v1/auth/login", { username, password }, { relogin: false });
  await remember(result.me, result.csrf_token);
  return result.me;
}

export async function logout() {
  try {
    await api.post("/api/v1/auth/logout", undefined, { relogin: false });
  } catch (error) {
    if (!(error instanceof api.ApiError && error.status === 401)) throw error;  // already ended: logged out all the same
  } finally {
    me = null;
    await db.deleteMeta("me");
  }
}

export async function languageChanged() {
  await db.setMeta("lang", lang());
}
