// The frame of the counter screens: the whole screen for the QR (the app's bars hidden), switching between the
// redemption and follow QR, a connection pill, full screen, and the screen kept awake while it is shown.

import { h, svg } from "./dom.js";
import { t } from "./i18n.js";
import { icons } from "./icons.js";
import * as session from "./session.js";

const TABS = [["/counter", "counter.tab_redeem", "scan"], ["/counter/follow", "counter.tab_follow", "qr"]];

/** Keeps the screen on while the counter is shown (where the browser can); released on leave. */
function keepAwake(marker) {
  let lock = null;
  let left = false;
  const request = async () => {
    if (!("wakeLock" in navigator) || document.visibilityState !== "visible" || left) {
      marker.dataset.wakeLock = "wakeLock" in navigator ? "off" : "unsupported";
      return;
    }
    try {
      lock = await navigator.wakeLock.request("screen");
      marker.dataset.wakeLock = "on";
      lock.addEventListener("release", () => { if (!left) marker.dataset.wakeLock = "off"; });
      if (left) lock.release();
    } catch {
      marker.dataset.wakeLock = "off";  // refused (battery saver, not visible): the screen may dim
    }
  };
  const visible = () => { if (document.visibilityState === "visible") request(); };
  document.addEventListener("visibilitychange", visible);
  request();
  return () => {
    left = true;
    document.removeEventListener("visibilitychange", visible);
    lock?.release().catch(() => {});
  };
}

/**
 * frame({ active, status, body, onLeave }) -> the screen. `status` is the pill node the screen keeps up to date
 * (see statusPill); `active` is this screen's path.
 */
export function frame({ active, status, body, onLeave }) {
  const me = session.current();
  document.body.classList.add("counter-mode");
  // On narrower screens the tools show their icons only (counter-tool-label is hidden): the names stay as labels.
  const fullscreen = h("button", {
    class: "btn btn-quiet counter-tool", type: "button", dataset: { action: "fullscreen" },
    "aria-label": t("counter.fullscreen"), title: t("counter.fullscreen"), hidden: !document.fullscreenEnabled,
    onclick: () => (document.fullscreenElement ? document.exitFullscreen() : document.documentElement.requestFullscreen()).catch(() => {}),
  }, svg(icons.expand), h("span", { class: "counter-tool-label" }, t("counter.fullscreen")));
  const leave = h("a", { class: "btn counter-tool", href: "#/", dataset: { action: "leave-counter" },
                         "aria-label": t("counter.leave"), title: t("counter.leave") },
    svg(icons.close), h("span", { class: "counter-tool-label" }, t("counter.leave")));
  const screen = h("section", { class: "counter", dataset: { counter: active } },
    h("header", { class: "counter-bar" },
      h("div", { class: "counter-store" }, h("strong", {}, me.store_name || ""), h("small", {}, me.display_name)),
      h("nav", { class: "counter-tabs", "aria-label": t("counter.title") },
        TABS.map(([path, label, icon]) => h("a", {
          class: "counter-tab", href: `#${path}`, dataset: { counterTab: path }, "aria-current": path === active ? "page" : null,
        }, svg(icons[icon]), t(label)))),
      h("div", { class: "counter-tools" }, status, fullscreen, leave)),
    body);
  const release = keepAwake(screen);
  onLeave(() => {
    release();
    document.body.classList.remove("counter-mode");
    if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
  });
  return screen;
}

/** A pill saying whether the tablet is connected; set(state) with "live", "connecting", "reconnecting", "offline". */
export function statusPill() {
  const pill = h("span", { class: "counter-status", role: "status", dataset: { counterStatus: "connecting" } });
  pill.set = (state) => {
    pill.dataset.counterStatus = state;
    pill.replaceChildren(svg(state === "live" ? icons.online : state === "offline" ? icons.offline : icons.clock),
      h("span", {}, t(`counter.status.${state}`)));
  };
  pill.set("connecting");
  return pill;
}
