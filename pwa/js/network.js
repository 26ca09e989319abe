// Whether the server can be reached, as the header shows it: the browser's own signal,
// corrected by what our requests see (Wi-Fi that is up without a way to the server).
// While it says offline, the server is asked now and then (GET /healthz, backing off), since a
// short glitch raises no `online` event and the outbox, the badges and "send now" wait for this flag.

const PROBE_URL = "/healthz";
const PROBE_TIMEOUT_MS = 3000;
const FIRST_PROBE_MS = 2000;
const LAST_PROBE_MS = 30000;

let online = navigator.onLine;
let probing = false;
let probeDelay = FIRST_PROBE_MS;

function set(value) {
  if (value === online) return;
  online = value;
  window.dispatchEvent(new CustomEvent("network:changed", { detail: online }));
  if (!online) probeUntilReached();
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether the server answers at all (any status: a 503 is the server answering). */
async function answers() {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), PROBE_TIMEOUT_MS);
  try {
    await fetch(PROBE_URL, { cache: "no-store", credentials: "same-origin", signal: abort.signal });
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

async function probeUntilReached() {
  if (probing) return;
  probing = true;
  try {
    while (!online) {
      await sleep(probeDelay);
      probeDelay = Math.min(probeDelay * 2, LAST_PROBE_MS);
      // without a network the browser's `online` event says when to look again
      if (!online && navigator.onLine && (await answers())) set(true);
    }
  } finally {
    probing = false;
  }
}

export function isOnline() {
  return online;
}

/** A request reached the server. */
export function reached() {
  // A real answer (not only the probe's) starts the next outage's probing from the shortest wait again.
  probeDelay = FIRST_PROBE_MS;
  if (navigator.onLine) set(true);
}

/** A request failed before the server answered. */
export function unreachable() {
  set(false);
}

export function init() {
  window.addEventListener("online", () => {
    probeDelay = FIRST_PROBE_MS;
    set(true);
  });
  window.addEventListener("offline", () => set(false));
  if (!online) probeUntilReached();
}
