// Whether the server can be reached, as the header shows it: the browser's own signal,
// corrected by what our requests see (Wi-Fi that is up without a way to the server).

let online = navigator.onLine;

function set(value) {
  if (value === online) return;
  online = value;
  window.dispatchEvent(new CustomEvent("network:changed", { detail: online }));
}

export function isOnline() {
  return online;
}

/** A request reached the server. */
export function reached() {
  if (navigator.onLine) set(true);
}

/** A request failed before the server answered. */
export function unreachable() {
  set(false);
}

export function init() {
  window.addEventListener("online", () => set(true));
  window.addEventListener("offline", () => set(false));
}
