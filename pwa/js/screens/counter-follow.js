// Counter: the store's follow QR, full screen, for a customer to scan from the counter. The store's own code
// (kind "store") comes first, then the clerk's own; the last one shown is kept on the tablet, so it shows offline too.

import * as api from "../api.js";
import { frame, statusPill } from "../counter-frame.js";
import { h, segmented } from "../dom.js";
import { t } from "../i18n.js";
import * as network from "../network.js";
import * as session from "../session.js";
import { svgImage } from "./counter.js";

const KEPT = "regulars.counter.follow";

function kept() {
  try {
    return JSON.parse(localStorage.getItem(KEPT) || "null");
  } catch {
    return null;
  }
}

/** The codes a customer at this counter may follow through: open store codes, then this clerk's own. */
export function counterChannels(channels, me) {
  const store = channels.filter((c) => c.open && c.kind === "store").sort((a, b) => a.id - b.id);
  const mine = channels.filter((c) => c.open && c.kind === "clerk" && c.staff_id === me.staff_id).sort((a, b) => a.id - b.id);
  return [...store, ...mine];
}

async function qrOf(channel) {
  const response = await fetch(`/api/v1/channels/${channel.id}/qr.svg`, { credentials: "same-origin" });
  if (!response.ok) throw new Error(`qr ${response.status}`);
  return response.text();
}

export default {
  title: "counter.title_follow",
  async render({ onLeave, alive }) {
    const me = session.current();
    const status = statusPill();
    const showStatus = () => status.set(network.isOnline() ? "live" : "offline");
    window.addEventListener("network:changed", showStatus);
    onLeave(() => window.removeEventListener("network:changed", showStatus));
    showStatus();

    const qrBox = h("div", { class: "counter-qr", dataset: { counterQr: "loading" } });
    const caption = h("p", { class: "counter-qr-note" });
    const picker = h("div", { class: "counter-picker" });
    const welcome = h("p", { class: "counter-welcome", hidden: true }, t("counter.follow_welcome"));

    const show = (entry) => {
      qrBox.dataset.counterQr = "live";
      qrBox.replaceChildren(svgImage(entry.svg, t("counter.follow_alt"), { counterQrUrl: entry.url, channel: String(entry.id) }));
      caption.textContent = t("counter.follow_caption", { name: entry.name });
      welcome.hidden = !entry.welcome;
    };

    let channels = null;
    try {
      channels = counterChannels(await api.get("/api/v1/channels?limit=500"), me);
    } catch {
      channels = null;  // offline: what the tablet kept
    }
    if (!alive()) return h("div");

    const choose = async (channel) => {
      try {
        const entry = { id: channel.id, url: channel.url, name: channel.name, welcome: channel.welcome_template_id !== null,
                        svg: await qrOf(channel) };
        localStorage.setItem(KEPT, JSON.stringify(entry));
        if (alive()) show(entry);
      } catch {
        const entry = kept();
        if (entry && entry.id === channel.id) show(entry);
        else qrBox.replaceChildren(h("p", { class: "notice notice-warn" }, t("net.needs_network")));
      }
    };

    const entry = kept();
    if (channels === null) {
      if (entry) show(entry);
      else qrBox.replaceChildren(h("p", { class: "notice notice-warn" }, t("net.needs_network")));
    } else if (!channels.length) {
      qrBox.dataset.counterQr = "none";
      qrBox.replaceChildren(h("div", { class: "counter-none" },
        h("p", { class: "notice" }, t("counter.follow_none")),
        session.isManager() ? h("a", { class: "btn btn-primary btn-large", href: "#/channels/new?kind=store", dataset: { action: "new-store-code" } },
          t("channels.new")) : null));
    } else {
      const first = channels.find((c) => c.id === entry?.id) || channels[0];
      if (entry && entry.id === first.id) show(entry);  // at once; refreshed below
      if (channels.length > 1) {
        picker.append(segmented("follow-channel", channels.map((c) => [c.id, c.name]), first.id,
          (id) => choose(channels.find((c) => c.id === id))));
      }
      choose(first);
    }

    const body = h("div", { class: "counter-body counter-body-follow" },
      h("div", { class: "counter-main card" },
        h("h1", { class: "counter-headline" }, t("counter.scan_to_follow", { store: me.store_name || "" })),
        h("p", { class: "counter-lead" }, t("counter.scan_to_follow_lead")),
        welcome,
        qrBox,
        caption,
        picker),
      h("aside", { class: "counter-side card" },
        h("h2", { class: "card-title" }, t("counter.follow_steps")),
        h("ol", { class: "counter-steps" },
          ["counter.follow_step_scan", "counter.follow_step_phone", "counter.follow_step_wallet"].map((key) => h("li", {}, t(key))))));
    return frame({ active: "/counter/follow", status, body, onLeave });
  },
};
