// Manager: the store's channel codes (store, clerk, event, campaign, and the referral code made by the app), each
// with its QR, what it brought in (scans, follows, new customers), and the way to its edit screen and its poster.

import * as api from "../api.js";
import { clear, h, segmented, svg } from "../dom.js";
import * as format from "../format.js";
import { t } from "../i18n.js";
import { icons } from "../icons.js";
import * as session from "../session.js";

/** "From 10-01 until 10-07", "Until 10-07", or nothing for a code without a window. */
export function windowText(channel) {
  const until = channel.ends_at ? format.date(new Date(new Date(channel.ends_at) - 1)) : "";
  if (channel.starts_at && until) return t("channels.window_range", { from: format.date(channel.starts_at), until });
  if (channel.starts_at) return t("channels.window_from", { from: format.date(channel.starts_at) });
  if (until) return t("channels.window_until", { until });
  return t("channels.window_always");
}

export function stateOf(channel) {
  if (!channel.active) return "closed";
  return channel.open ? "open" : "outside";
}

function row(channel, staffNames) {
  const state = stateOf(channel);
  const who = channel.staff_id ? staffNames.get(channel.staff_id) || `#${channel.staff_id}` : "";
  return h("tr", { dataset: { channel: String(channel.id), state } },
    h("td", { class: "channel-qr-cell" },
      h("a", { href: `#/channels/${channel.id}`, "aria-label": t("channels.edit") },
        h("img", { class: "channel-qr-thumb", src: `/api/v1/channels/${channel.id}/qr.svg`, alt: "", loading: "lazy", width: 72, height: 72 }))),
    h("td", {},
      h("strong", {}, channel.name),
      h("div", { class: "muted small" }, [t(`channels.kind.${channel.kind}`), who, channel.campaign].filter(Boolean).join(" · ")),
      h("div", { class: "row channel-pills" },
        h("span", { class: `pill pill-small ${state === "open" ? "pill-ok" : state === "outside" ? "pill-warn" : "pill-off"}` },
          t(`channels.state.${state}`)),
        h("span", { class: "mono small muted" }, channel.code))),
    h("td", {}, windowText(channel)),
    h("td", { class: "num", dataset: { scans: String(channel.scans) } }, String(channel.scans)),
    h("td", { class: "num", dataset: { follows: String(channel.follows) } }, String(channel.follows)),
    h("td", { class: "num" }, String(channel.new_customers)),
    h("td", { class: "row-actions-cell" },
      h("a", { class: "btn btn-small", href: `#/channels/${channel.id}`, dataset: { action: "edit-channel" } }, svg(icons.edit), t("channels.edit")),
      h("a", { class: "btn btn-small", href: `#/channels/${channel.id}/poster`, dataset: { action: "poster" } }, svg(icons.print), t("channels.poster"))));
}

export default {
  title: "channels.title",
  async render({ alive }) {
    const body = h("tbody", {});
    const status = h("p", { class: "muted", role: "status" });
    let filter = "open";
    let all = [];
    const staffNames = new Map();
    try {
      [all] = await Promise.all([
        api.get("/api/v1/channels?limit=500"),
        api.get("/api/v1/store-staff").then((team) => team.forEach((m) => staffNames.set(m.id, m.display_name))).catch(() => null),
      ]);
    } catch (error) {
      const message = error instanceof api.Unreachable ? t("net.needs_network") : error.problem?.detail;
      return h("section", { class: "screen" }, h("p", { class: "notice notice-error" }, message));
    }
    if (!alive()) return h("div");
    const draw = () => {
      const shown = all.filter((c) => filter === "all" || (filter === "open") === (stateOf(c) !== "closed"));
      clear(body).append(...shown.map((c) => row(c, staffNames)));
      status.textContent = shown.length ? t("channels.count", { count: shown.length }) : t("channels.none");
    };
    draw();
    const filters = segmented("channel-filter", [["open", t("channels.filter_active")], ["closed", t("channels.filter_closed")],
                                                 ["all", t("channels.filter_all")]], filter, (value) => { filter = value; draw(); });
    return h("section", { class: "screen channels" },
      h("header", { class: "screen-head row" },
        h("div", {}, h("h1", {}, t("channels.title")), h("p", { class: "muted" }, t("channels.lead"))),
        h("span", { class: "spacer" }),
        session.current().store_id ? h("a", { class: "btn", href: "#/counter/follow", dataset: { action: "counter-follow" } }, svg(icons.qr), t("counter.title_follow")) : null,
        h("a", { class: "btn btn-primary", href: "#/channels/new", dataset: { action: "new-channel" } }, svg(icons.qr), t("channels.new"))),
      h("div", { class: "row" }, filters, h("span", { class: "spacer" }), status),
      h("div", { class: "card table-card" },
        h("table", { class: "table channel-table", dataset: { channelTable: "" } },
          h("thead", {}, h("tr", {}, ["", "channels.name", "channels.window", "channels.scans", "channels.follows", "channels.new_customers", ""]
            .map((key) => h("th", { class: ["channels.scans", "channels.follows", "channels.new_customers"].includes(key) ? "num" : null },
              key ? t(key) : "")))),
          body)));
  },
};
