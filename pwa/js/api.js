// Talking to the API: cookies, the CSRF header, the clerk's language, problem+json as ApiError.

import { lang } from "./i18n.js";
import * as network from "./network.js";

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);
let csrfToken = "";

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

/** The request never reached the server (offline, Wi-Fi without a route, timeout). */
export class Unreachable extends Error {}

export function csrf() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : csrfToken;
}

export function setCsrf(token) {
  csrfToken = token || "";
}

export async function request(method, path, { json, form, headers = {}, timeout = 15000 } = {}) {
  const init = { method, credentials: "same-origin", headers: { Accept: "application/json", "Accept-Language": lang(), ...headers } };
  if (UNSAFE.has(method)) init.headers["x-csrftoken"] = csrf();
  if (json !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(json);
  } else if (form) {
    init.body = form;
  }
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeout);
  init.signal = abort.signal;
  let response;
  try {
    response = await fetch(path, init);
  } catch (error) {
    network.unreachable();
    throw new Unreachable(error.message);
  } finally {
    clearTimeout(timer);
  }
  network.reached();
  if (response.status === 401) window.dispatchEvent(new CustomEvent("session:expired"));
  if (!response.ok) {
    let problem;
    try {
      problem = await response.json();
    } catch {
      problem = { status: response.status, detail: response.statusText };
    }
    throw new ApiError(response.status, problem);
  }
  if (response.status === 204) return null;
  return response.json();
}

export const get = (path, options) => request("GET", path, options);
export const post = (path, json, options = {}) => request("POST", path, { ...options, json });
export const patch = (path, json, options = {}) => request("PATCH", path, { ...options, json });
export const del = (path, options) => request("DELETE", path, options);
