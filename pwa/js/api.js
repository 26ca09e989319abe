// Talking to the API: cookies, the CSRF header, the clerk's language, problem+json as ApiError.

import { lang } from "./i18n.js";
import * as network from "./network.js";

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);
let csrfToken = "";
let sessionEnded = async () => false;

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

/**
 * What a request does when the server answers 401: `ended()` asks the clerk to log in again and resolves true once the
 * same staff member has (the request is then sent again, as them), false otherwise (the 401 is thrown).
 */
export function onSessionEnded(ended) {
  sessionEnded = ended;
}

/** `relogin: false` for the requests a 401 is the answer to (logging in, out): they never wait for a new login. */
export async function request(method, path, options = {}) {
  const { json, form, headers = {}, timeout = 15000, relogin = true } = options;
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
  // The server refused it before doing anything: sent again after the login, it is sent once.
  if (response.status === 401 && relogin && (await sessionEnded())) return request(method, path, { ...options, relogin: false });
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
