// Customer 360: profile, tags, consent, product usage, timeline across channels, notes,
// and the panels of other modules. A customer captured offline is shown from the outbox.

import * as api from "../api.js";
import { NOTICE_VERSION } from "../config.js";
import { append, clear, confirmDialog, h, svg, toast } from "../dom.js";
import { changedFields, conflictView, isConflict } from "../edit-conflict.js";
import * as format from "../format.js";
import { t, tOr } from "../i18n.js";
import { icons } from "../icons.js";
import * as network from "../network.js";
import * as outbox from "../outbox.js";
import * as recent from "../recent.js";
import { privacyCard } from "./customer-privacy.js";
import { purchaseLine } from "../purchase-text.js";
import { panels } from "./panels.js";

const WAIT_FOR_SERVER_MS = 8000;
const TIMELINE_PAGE = 50;
const KIND_ICONS = { created: "capture", updated: "edit", note: "note", consent: "shield", handover: "swap",
                     imported: "import", coupon: "coupon", points: "points", purchase: "purchase", refund: "purchase",
                     visit: "home" };
let lastTab = { id: null, tab: "timeline" };

function row(label, value, name) {
  const empty = value === undefined || value === null || value === "";
  return h("div", { class: "kv", dataset: { kv: name } },
    h("dt", {}, label), h("dd", { class: empty ? "muted" : "" }, empty ? t("customer.not_filled") : value));
}

function yesNo(value) {
  return value === null || value === undefined ? "" : t(value ? "common.yes" : "common.no");
}

function pendingLabel(entry) {
  if (entry.kind === "purchase.record") return purchaseLine(entry.body);
  if (entry.kind === "customer.note") return t("outbox.kind_note_text", { text: entry.body.text });
  if (entry.kind === "customer.update") return t("outbox.kind_update_fields", { fields: changedFields(entry.body).map((f) => t(`field.${f}`)).join(t("common.list_separator")) });
  return t(`outbox.kind.${entry.kind}`);
}

function timelineItem(item) {
  return h("li", { class: "tl-item", dataset: { kind: item.kind, event: String(item.id) } },
    h("span", { class: "tl-icon" }, svg(icons[KIND_ICONS[item.kind] || KIND_ICONS[item.kind.split("_")[0]]] || icons.clock)),
    h("div", { class: "tl-body" },
      h("p", { class: "tl-summary" }, item.summary),
      h("p", { class: "tl-meta muted small" }, format.dateTime(item.at), " · ", tOr(`channel.${item.channel}`, item.channel))));
}

function pendingItem(entry) {
  return h("li", { class: `tl-item tl-pending ${entry.state === "refused" ? "tl-refused" : ""}`, dataset: { pending: entry.key } },
    h("span", { class: "tl-icon" }, svg(entry.state === "refused" ? icons.alert : icons.outbox)),
    h("div", { class: "tl-body" },
      h("p", { class: "tl-summary" }, pendingLabel(entry)),
      h("p", { class: "tl-meta small" },
        entry.state === "refused"
          ? h("a", { href: "#/outbox" }, t("outbox.state_refused"), ": ", entry.problem?.detail || "")
          : t("outbox.state_pending")),
      isConflict(entry) ? conflictView(entry) : null));
}

function profileCard(c, local) {
  return h("section", { class: "card profile" },
    h("div", { class: "profile-head" },
      h("div", { class: "avatar", "aria-hidden": "true" }, (c.name || "?").slice(0, 1)),
      h("div", {},
        h("h1", { class: "profile-name", dataset: { customerName: "" } }, c.name || t("customer.no_name")),
        h("a", { class: "profile-phone", href: `tel:${c.phone}`, dataset: { customerPhone: c.phone } }, svg(icons.phone), format.phone(c.phone))),
      local ? null : h("div", { class: "completeness-ring", title: t("capture.completeness"), dataset: { completeness: String(c.completeness) } },
        h("strong", {}, `${c.completeness}%`), h("small", {}, t("customer.complete")))),
    h("div", { class: "tags" }, (c.tags || []).length
      ? c.tags.map((tag) => h("a", { class: "chip", href: `#/customers?q=${encodeURIComponent(tag)}` }, tag))
      : h("span", { class: "muted small" }, t("customer.no_tags"))),
    h("dl", { class: "kvs" },
      row(t("field.gender"), c.gender ? t(`gender.${c.gender}`) : "", "gender"),
      row(t("field.birthday"), format.birthday(c.birthday), "birthday"),
      row(t("field.occupation"), c.occupation, "occupation"),
      row(t("field.interests"), (c.interests || []).join(t("common.list_separator")), "interests"),
      local ? null : row(t("customer.source"), tOr(`source.${c.source}`, c.source), "source"),
      local ? null : row(t("customer.since"), format.date(c.created_at), "since"),
      c.notes ? row(t("field.notes"), c.notes, "notes") : null));
}

function productCard(c) {
  return h("section", { class: "card" },
    h("h2", { class: "card-title" }, t("form.section_product")),
    h("dl", { class: "kvs" },
      row(t("field.plan"), c.plan, "plan"),
      row(t("field.monthly_spend_fen"), c.monthly_spend_fen != null ? format.money(c.monthly_spend_fen) : "", "monthly_spend"),
      row(t("field.device_model"), c.device_model, "device_model"),
      row(t("field.device_purchased_on"), format.day(c.device_purchased_on), "device_purchased_on"),
      row(t("field.contract_end_on"), format.day(c.contract_end_on), "contract_end_on"),
      row(t("field.broadband"), yesNo(c.broadband), "broadband"),
      row(t("field.family_lines"), c.family_lines, "family_lines"),
      c.arrears_fen ? row(t("customer.arrears"), format.money(c.arrears_fen), "arrears") : null));
}

function consentCard(c, local, onChange) {
  const line = (purpose) => {
    const granted = c.consent ? c.consent[purpose] : false;
    return h("div", { class: "consent-row", dataset: { consent: purpose, state: granted ? "granted" : "none" } },
      h("span", { class: `dot ${granted ? "dot-on" : "dot-off"}` }),
      h("span", { class: "consent-name" }, t(`consent.${purpose}_short`)),
      h("span", { class: "muted small" }, t(granted ? "consent.granted" : "consent.not_granted")),
      local ? null : h("button", {
        class: "btn btn-small", type: "button", dataset: { action: `consent-${purpose}` }, disabled: !network.isOnline(),
        onclick: () => onChange(purpose, !granted),
      }, t(granted ? "consent.withdraw" : "consent.record")));
  };
  return h("section", { class: "card" }, h("h2", { class: "card-title" }, svg(icons.shield), t("consent.title")),
    line("service"), line("marketing"),
    local ? h("p", { class: "muted small" }, t("consent.after_sync")) : null);
}

export default {
  title: "customer.title",
  async render({ params, query, navigate, alive, onLeave }) {
    let id = params.id;
    const local = id.startsWith("local:");
    if (local) {
      const serverId = await outbox.serverId(id);
      if (serverId) {
        navigate(`/customers/${serverId}`, { replace: true });
        return h("div");
      }
    }
    const screen = h("section", { class: "screen customer", dataset: { customer: id } });
    const timelineList = h("ol", { class: "timeline", dataset: { timeline: "" } });
    const pendingList = h("ol", { class: "timeline timeline-pending", dataset: { pendingList: "" } });
    const more = h("button", { class: "btn btn-block", type: "button", hidden: true, dataset: { action: "more" } }, t("common.more"));
    let customer = null;
    let staleSince = null;
    let offset = 0;

    const loadPending = async () => {
      const entries = (await outbox.about(local ? id : Number(id))).filter((e) => e.kind !== "customer.create");
      if (!alive()) return;
      clear(pendingList).append(...entries.map(pendingItem));
    };

    const loadTimeline = async (reset) => {
      if (local) {
        clear(timelineList).append(h("li", { class: "muted small tl-empty" }, t("timeline.after_sync")));
        return;
      }
      if (reset) offset = 0;
      try {
        const items = await api.get(`/api/v1/customers/${id}/timeline?limit=${TIMELINE_PAGE}&offset=${offset}`);
        if (!alive()) return;
        if (reset) clear(timelineList);
        timelineList.append(...items.map(timelineItem));
        if (reset && !items.length) timelineList.append(h("li", { class: "muted small tl-empty" }, t("timeline.empty")));
        offset += items.length;
        more.hidden = items.length < TIMELINE_PAGE;
        if (reset) recent.remember(customer, items);
      } catch (error) {
        if (reset) clear(timelineList).append(...recent.recallTimeline(id).map(timelineItem));
      }
    };
    more.addEventListener("click", () => loadTimeline(false));

    if (local) {
      const create = (await outbox.about(id)).find((e) => e.kind === "customer.create");
      if (!create) {
        return h("section", { class: "screen" }, h("p", { class: "notice" }, t("customer.local_gone")),
          h("a", { class: "btn", href: "#/customers" }, t("nav.search")));
      }
      const updates = (await outbox.about(id)).filter((e) => e.kind === "customer.update").map((e) => e.body);
      customer = Object.assign({ id, consent: null }, create.body, ...updates);
      customer.pendingState = create.state;
      customer.problem = create.problem;
    } else {
      try {
        customer = await api.get(`/api/v1/customers/${id}`);
      } catch (error) {
        const cached = recent.recall(id);
        if (error instanceof api.Unreachable && cached) {
          customer = cached.customer;
          staleSince = cached.at;
        } else {
          const text = error instanceof api.Unreachable ? t("customer.offline_unknown") : error.problem?.detail || t("error.screen");
          return h("section", { class: "screen" }, h("p", { class: "notice notice-error", dataset: { notice: "error" } }, text),
            h("a", { class: "btn", href: "#/customers" }, svg(icons.back), t("nav.search")));
        }
      }
      recent.remember(customer);
    }
    if (!alive()) return h("div");

    const noteText = h("textarea", { name: "note", rows: 2, maxLength: 2000, placeholder: t("note.placeholder"), "aria-label": t("note.title"),
                                     dataset: { input: "note" } });
    const noteButton = h("button", { class: "btn btn-primary", type: "submit", dataset: { action: "add-note" } }, svg(icons.note), t("note.add"));
    const noteForm = h("form", {
      class: "note-form",
      onsubmit: async (event) => {
        event.preventDefault();
        const text = noteText.value.trim();
        if (!text) return noteText.focus();
        const key = outbox.newKey();
        noteButton.disabled = true;
        const waiting = outbox.outcome(key, network.isOnline() && !local ? WAIT_FOR_SERVER_MS : 0);
        await outbox.submit({ key, kind: "customer.note", method: "POST", path: "/api/v1/customers/{customer}/notes",
                              ref: local ? id : Number(id), body: { text },
                              label: { name: customer.name || "", phone: customer.phone || "" } });
        noteText.value = "";
        noteButton.disabled = false;
        const result = await waiting;
        if (!alive()) return;
        if (result?.type === "outbox:sent") {
          toast(t("note.saved"), "success");
        } else if (result?.type === "outbox:refused") {
          toast(result.problem.detail, "error", 6000);
        } else {
          toast(t("note.saved_offline"), "warn");
        }
        await loadPending();
      },
    }, noteText, h("div", { class: "form-actions" }, noteButton));

    const changeConsent = async (purpose, granted) => {
      const ok = await confirmDialog({
        title: t(granted ? "consent.record_title" : "consent.withdraw_title", { purpose: t(`consent.${purpose}_short`) }),
        body: t("consent.confirm_body", { version: NOTICE_VERSION }),
      });
      if (!ok) return;
      try {
        customer = await api.post(`/api/v1/customers/${id}/consents`, { purpose, granted, notice_version: NOTICE_VERSION });
        toast(t("consent.saved"), "success");
        navigate(`/customers/${id}`, { replace: true });
      } catch (error) {
        toast(error instanceof api.Unreachable ? t("net.needs_network") : error.problem?.detail, "error");
      }
    };

    // The timeline and each module's panel are tabs; the tab last open on this customer opens again.
    const refreshers = [];
    const outboxWatchers = [];
    const refreshAll = () => {
      for (const fn of refreshers) fn();
      loadTimeline(true);
    };
    const tabs = [{ id: "timeline", title: "timeline.title", icon: "clock" }, ...panels];
    const tabBar = h("div", { class: "tabs", role: "tablist", "aria-label": t("customer.sections"), dataset: { tabs: "" } });
    const tabPanels = h("div", { class: "tab-panels" });
    const select = (tabId) => {
      lastTab = { id, tab: tabId };
      for (const button of tabBar.children) button.setAttribute("aria-selected", String(button.dataset.tab === tabId));
      for (const panel of tabPanels.children) panel.hidden = panel.dataset.tabPanel !== tabId;
    };
    const timelineBody = h("div", { class: "panel-body" }, noteForm, pendingList, timelineList, more);
    for (const tab of tabs) {
      const badge = h("span", { class: "tab-badge", dataset: { tabBadge: tab.id } });
      tabBar.append(h("button", { class: "tab", type: "button", role: "tab", dataset: { tab: tab.id }, onclick: () => select(tab.id) },
        h("span", { class: "tab-top" }, svg(icons[tab.icon]), badge), h("span", { class: "tab-label" }, t(tab.title))));
      const body = tab.id === "timeline" ? timelineBody : tab.render(customer, {
        alive, local, stale: Boolean(staleSince), refreshAll,
        setBadge: (text) => { badge.textContent = text; },
        onRefresh: (fn) => refreshers.push(fn),
        onOutbox: (fn) => outboxWatchers.push(fn),
      });
      tabPanels.append(h("section", { class: "card tab-panel", role: "tabpanel", dataset: { tabPanel: tab.id } }, body));
    }
    const wanted = query.get("tab") || (lastTab.id === id ? lastTab.tab : "timeline");
    select(tabs.some((tab) => tab.id === wanted) ? wanted : "timeline");

    const header = h("header", { class: "screen-head row" },
      h("a", { class: "btn btn-quiet", href: "#/customers", dataset: { action: "back" } }, svg(icons.back), t("nav.search")),
      h("span", { class: "spacer" }),
      h("a", { class: "btn", href: `#/customers/${id}/edit`, dataset: { action: "edit" } }, svg(icons.edit), t("customer.edit")));

    const sideCards = () => [profileCard(customer, local), consentCard(customer, local, changeConsent), productCard(customer),
                             local || staleSince ? null : privacyCard(id)].filter(Boolean);
    const side = h("div", { class: "customer-side" }, ...sideCards());
    // A profile change of this customer just sent (a replay, the clerk's choice in a conflict): show the profile now.
    const reloadProfile = async () => {
      try {
        const fresh = await api.get(`/api/v1/customers/${id}`);
        if (!alive()) return;
        customer = fresh;
        recent.remember(customer);
        side.replaceChildren(...sideCards());
      } catch {
        // unreachable again: the profile shown stays until the next visit
      }
    };

    append(screen, [
      header,
      local ? h("p", { class: `notice ${customer.pendingState === "refused" ? "notice-error" : "notice-warn"}`, dataset: { notice: "local" } },
        customer.pendingState === "refused"
          ? h("a", { href: "#/outbox" }, t("customer.local_refused"), ": ", customer.problem?.detail || "")
          : t("customer.local_pending")) : null,
      staleSince ? h("p", { class: "notice notice-warn", dataset: { notice: "stale" } },
        t("customer.stale", { time: format.dateTime(new Date(staleSince).toISOString()) })) : null,
      h("div", { class: "customer-layout" }, side, h("div", { class: "customer-main" }, tabBar, tabPanels))]);
    await Promise.all([loadPending(), loadTimeline(true)]);
    const refresh = () => {
      if (!alive()) return;
      loadPending();
      for (const fn of outboxWatchers) fn();
    };
    const onMessage = (event) => {
      const message = event.detail;
      if (message.type !== "outbox:sent" || !alive()) return;
      if (local && message.kind === "customer.create" && message.local === id) {
        navigate(`/customers/${message.body.id}`, { replace: true });
      } else if (!local && message.ref === Number(id)) {
        if (message.kind === "customer.update") reloadProfile();
        refreshAll();
      }
    };
    window.addEventListener("outbox:changed", refresh);
    window.addEventListener("outbox:message", onMessage);
    onLeave(() => {
      window.removeEventListener("outbox:changed", refresh);
      window.removeEventListener("outbox:message", onMessage);
    });
    return screen;
  },
};
