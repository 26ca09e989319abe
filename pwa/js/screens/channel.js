// Manager: a new channel code, or changes to one, beside its QR. Kind, clerk and store are fixed once made (the
// server takes them at creation only); name, campaign, window, welcome coupon and whether it is open can change.

import * as api from "../api.js";
import * as text from "../coupon-text.js";
import { field, h, segmented, showFieldError, svg, toast } from "../dom.js";
import * as format from "../format.js";
import { t } from "../i18n.js";
import { icons } from "../icons.js";
import * as session from "../session.js";
import { stateOf, windowText } from "./channels.js";

const KINDS = ["store", "clerk", "event", "campaign"];

function input(name, props = {}) {
  return h("input", { name, autocomplete: "off", dataset: { input: name }, ...props });
}

function select(name, options, value) {
  return h("select", { name, dataset: { input: name } },
    options.map(([optionValue, label]) => h("option", { value: String(optionValue), selected: String(optionValue) === String(value ?? "") }, label)));
}

/** A date typed on the tablet as the instant its day starts there (the tablet stands in the store). */
function dayStart(typed, plusDays = 0) {
  if (!typed) return null;
  const [year, month, day] = typed.split("-").map(Number);
  return new Date(year, month - 1, day + plusDays).toISOString();
}

function qrCard(channel) {
  return h("aside", { class: "card channel-side" },
    h("img", { class: "channel-qr", src: `/api/v1/channels/${channel.id}/qr.svg`, alt: t("channels.qr_alt", { name: channel.name }),
               dataset: { channelQr: channel.url }, width: 240, height: 240 }),
    h("p", { class: "channel-url mono small", dataset: { channelUrl: "" } }, channel.url),
    h("dl", { class: "kvs channel-counts" },
      [["channels.scans", channel.scans], ["channels.follows", channel.follows], ["channels.new_customers", channel.new_customers]]
        .map(([key, value]) => h("div", { class: "kv" }, h("dt", {}, t(key)), h("dd", {}, String(value))))),
    h("div", { class: "channel-side-actions" },
      h("a", { class: "btn btn-primary btn-block", href: `#/channels/${channel.id}/poster`, dataset: { action: "poster" } }, svg(icons.print), t("channels.poster")),
      h("a", { class: "btn btn-block", href: `/api/v1/channels/${channel.id}/qr.svg`, download: `qr-${channel.code}.svg`, dataset: { action: "download-qr" } },
        svg(icons.download), t("channels.download_svg"))));
}

export default {
  title: "channels.edit_title",
  async render({ params, query, navigate, alive }) {
    const me = session.current();
    const creating = params.id === undefined;
    let channel = null;
    let team = [];
    let templates = [];
    let stores = [];
    try {
      [channel, team, templates, stores] = await Promise.all([
        creating ? null : api.get(`/api/v1/channels/${params.id}`),
        api.get("/api/v1/store-staff").catch(() => []),
        api.get("/api/v1/coupon-templates?limit=200").catch(() => []),
        me.role === "admin" && creating ? api.get("/api/v1/stores") : [],
      ]);
    } catch (error) {
      const message = error instanceof api.Unreachable ? t("net.needs_network") : error.problem?.detail;
      return h("section", { class: "screen" }, h("p", { class: "notice notice-error" }, message));
    }
    if (!alive()) return h("div");
    const initial = channel || {};
    const name = input("name", { maxLength: 60, required: true, value: initial.name || "" });
    const campaign = input("campaign", { maxLength: 60, value: initial.campaign || "", placeholder: t("channels.campaign_placeholder") });
    const startsOn = input("starts_at", { type: "date", value: initial.starts_at ? format.dayKey(initial.starts_at) : "" });
    const endsOn = input("ends_at", { type: "date", value: initial.ends_at ? format.dayKey(new Date(new Date(initial.ends_at) - 1)) : "" });
    const usable = templates.filter((tpl) => tpl.active || tpl.id === initial.welcome_template_id);
    const welcome = select("welcome_template_id", [["", t("channels.no_welcome")],
      ...usable.map((tpl) => [tpl.id, `${text.name(tpl)} · ${text.value(tpl)}`])], initial.welcome_template_id);
    const store = select("store_id", stores.map((s) => [s.id, s.name]), stores[0]?.id);
    const clerks = () => team.filter((m) => m.active && m.role !== "admin" && (me.role !== "admin" || String(m.store_id) === store.value));
    const clerk = select("staff_id", [["", t("channels.pick_clerk")], ...clerks().map((m) => [m.id, m.display_name])]);
    store.addEventListener("change", () => clerk.replaceChildren(...select("staff_id", [["", t("channels.pick_clerk")],
      ...clerks().map((m) => [m.id, m.display_name])]).children));
    const clerkField = field(t("channels.clerk"), clerk, { name: "staff_id", hint: t("channels.clerk_hint") });
    const chosenKind = KINDS.includes(query.get("kind")) ? query.get("kind") : "store";
    clerkField.hidden = chosenKind !== "clerk";
    const kind = segmented("kind", KINDS.map((k) => [k, t(`channels.kind.${k}`)]), chosenKind, (value) => { clerkField.hidden = value !== "clerk"; });
    const active = segmented("active", [[true, t("channels.state.open")], [false, t("channels.state.closed")]], initial.active ?? true);

    const message = h("p", { class: "form-message", role: "alert", dataset: { message: "" } });
    const save = h("button", { class: "btn btn-primary btn-large", type: "submit", dataset: { action: "save-channel" } },
      svg(icons.check), t(creating ? "channels.create" : "channels.save"));

    const values = () => {
      const found = {
        name: name.value.trim(), campaign: campaign.value.trim(),
        starts_at: dayStart(startsOn.value), ends_at: dayStart(endsOn.value, 1),
        welcome_template_id: welcome.value ? Number(welcome.value) : null,
      };
      if (!found.name) return { problem: { field: "name", detail: t("channels.name_required") } };
      if (found.starts_at && found.ends_at && found.starts_at >= found.ends_at) return { problem: { field: "ends_at", detail: t("channels.window_invalid") } };
      if (creating) {
        found.kind = kind.value;
        if (kind.value === "clerk") {
          if (!clerk.value) return { problem: { field: "staff_id", detail: t("channels.clerk_required") } };
          found.staff_id = Number(clerk.value);
        }
        if (me.role === "admin") found.store_id = Number(store.value);
        for (const key of ["starts_at", "ends_at", "welcome_template_id"]) if (found[key] === null) delete found[key];
        return { values: found };
      }
      found.active = active.value;
      const changed = {};
      for (const [key, value] of Object.entries(found)) if ((initial[key] ?? null) !== value) changed[key] = value;
      // A window set to the minute elsewhere stays as it was unless its day is changed here.
      if (startsOn.value === startsOn.defaultValue) delete changed.starts_at;
      if (endsOn.value === endsOn.defaultValue) delete changed.ends_at;
      return { values: changed };
    };

    const form = h("form", {
      class: "card form-card channel-form", novalidate: true,
      onsubmit: async (event) => {
        event.preventDefault();
        message.textContent = "";
        const { values: body, problem } = values();
        if (problem) {
          if (!showFieldError(form, problem)) message.textContent = problem.detail;
          return;
        }
        if (!creating && !Object.keys(body).length) return navigate("/channels");
        save.disabled = true;
        try {
          const saved = creating ? await api.post("/api/v1/channels", body) : await api.patch(`/api/v1/channels/${channel.id}`, body);
          toast(t(creating ? "channels.created" : "channels.saved", { name: saved.name }), "success");
          navigate(creating ? `/channels/${saved.id}` : "/channels", { replace: creating });
        } catch (error) {
          const found = error instanceof api.Unreachable ? { detail: t("net.needs_network") } : error.problem || {};
          if (!showFieldError(form, found)) message.textContent = found.detail || (found.errors || []).map((e) => e.message).join(" ");
        } finally {
          save.disabled = false;
        }
      },
    },
      creating ? field(t("channels.kind_label"), kind, { name: "kind", hint: t("channels.kind_hint") })
        : h("dl", { class: "kvs kvs-inline" },
          h("div", { class: "kv" }, h("dt", {}, t("channels.kind_label")), h("dd", {}, t(`channels.kind.${channel.kind}`))),
          h("div", { class: "kv" }, h("dt", {}, t("channels.state_label")), h("dd", { dataset: { channelState: stateOf(channel) } },
            `${t(`channels.state.${stateOf(channel)}`)} · ${windowText(channel)}`))),
      me.role === "admin" && creating ? field(t("channels.store"), store, { name: "store_id" }) : null,
      field(t("channels.name"), name, { name: "name", hint: t("channels.name_hint") }),
      creating ? clerkField : null,
      field(t("channels.campaign"), campaign, { name: "campaign" }),
      h("div", { class: "grid-2" },
        field(t("channels.starts_on"), startsOn, { name: "starts_at", hint: t("channels.starts_hint") }),
        field(t("channels.ends_on"), endsOn, { name: "ends_at", hint: t("channels.ends_hint") })),
      field(t("channels.welcome"), welcome, { name: "welcome_template_id", hint: t("channels.welcome_hint") }),
      creating ? null : field(t("channels.state_label"), active, { name: "active", hint: t("channels.closed_hint") }),
      message,
      h("div", { class: "form-actions" },
        h("a", { class: "btn btn-large", href: "#/channels" }, t("common.cancel")),
        save));

    return h("section", { class: "screen channel-edit" },
      h("header", { class: "screen-head row" },
        h("a", { class: "btn btn-quiet", href: "#/channels", dataset: { action: "back" } }, svg(icons.back), t("channels.title")),
        h("span", { class: "spacer" })),
      h("h1", {}, creating ? t("channels.new") : channel.name),
      h("div", { class: creating ? "" : "channel-layout" }, form, creating ? null : qrCard(channel)));
  },
};
