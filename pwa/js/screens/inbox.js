// The staff inbox: messages and, for managers, the store's care alerts; marking them read; and the switch
// that lets this tablet receive them as notifications (Web Push) where the browser can.

import * as api from "../api.js";
import * as care from "../care-text.js";
import { clear, h, svg, toast } from "../dom.js";
import * as format from "../format.js";
import { t } from "../i18n.js";
import { icons } from "../icons.js";
import * as push from "../push.js";
import * as session from "../session.js";

function changed() {
  window.dispatchEvent(new CustomEvent("inbox:changed"));
}

/** The push switch and what it means here: on, off, blocked, or not possible in this browser. */
function pushCard() {
  const status = h("p", { class: "push-status", role: "status", dataset: { pushStatus: "" } });
  const toggle = h("button", { class: "switch", type: "button", role: "switch", "aria-checked": "false", dataset: { action: "push" } },
    h("span", { class: "switch-knob", "aria-hidden": "true" }));
  const card = h("section", { class: "card push-card", dataset: { pushState: "" } },
    h("div", { class: "row" },
      h("div", { class: "push-text" }, h("h2", { class: "card-title" }, svg(icons.bell), t("push.title")), status),
      h("span", { class: "spacer" }),
      h("label", { class: "check push-label" }, h("span", {}, t("push.switch")), toggle)),
    h("p", { class: "muted small" }, t("push.inbox_always")));
  const show = (state, detail = "") => {
    card.dataset.pushState = state;
    toggle.setAttribute("aria-checked", String(state === "on"));
    toggle.disabled = state === "unsupported" || state === "denied" || state === "busy";
    status.textContent = t(`push.state.${state}`, { detail });
  };
  toggle.addEventListener("click", async () => {
    const wasOn = toggle.getAttribute("aria-checked") === "true";
    show("busy");
    try {
      if (wasOn) await push.disable();
      else await push.enable();
      const now = await push.state();
      show(now);
      toast(t(now === "on" ? "push.enabled" : "push.disabled"), "success");
    } catch (error) {
      if (error instanceof push.PushRefused) show(error.reason === "browser" ? "failed" : error.reason === "denied" ? "denied" : "off", error.message);
      else show("failed", care.problem(error));
    }
  });
  push.state().then((state) => show(state)).catch(() => show("unsupported"));
  return card;
}

function alertItem(alert, onRead) {
  return h("li", { class: `card message alert-${alert.level} ${alert.read_at ? "" : "is-unread"}`, dataset: { alert: String(alert.id), read: String(Boolean(alert.read_at)) } },
    h("div", { class: "message-icon" }, svg(icons.alert)),
    h("div", { class: "message-main" },
      h("div", { class: "row" },
        h("span", { class: `pill pill-small ${alert.level === "critical" ? "pill-bad" : "pill-warn"}` }, t(`alerts.level.${alert.level}`)),
        h("strong", {}, t(`alerts.kind.${alert.kind}`))),
      h("p", { dataset: { alertMessage: "" } }, alert.message),
      h("small", { class: "muted" }, t("alerts.opened", { at: format.dateTime(alert.opened_at) }),
        alert.escalated_at ? ` · ${t("alerts.escalated", { at: format.dateTime(alert.escalated_at) })}` : "")),
    alert.read_at ? null : h("button", { class: "btn btn-small", type: "button", dataset: { action: "read-alert" }, onclick: () => onRead(alert) },
      svg(icons.check), t("inbox.mark_read")));
}

function messageItem(item, onRead) {
  return h("li", { class: `card message ${item.read_at ? "" : "is-unread"}`, dataset: { message: String(item.id), kind: item.kind, read: String(Boolean(item.read_at)) } },
    h("div", { class: "message-icon" }, svg(item.kind === "care_alert" ? icons.alert : icons.bell)),
    h("div", { class: "message-main" },
      h("strong", { class: "message-title" }, item.title),
      item.body ? h("p", { class: "message-body" }, item.body) : null,
      h("small", { class: "muted" }, format.dateTime(item.created_at))),
    item.read_at ? h("span", { class: "muted small" }, t("inbox.read")) :
      h("button", { class: "btn btn-small", type: "button", dataset: { action: "read-message" }, onclick: () => onRead(item) }, svg(icons.check), t("inbox.mark_read")));
}

export default {
  title: "inbox.title",
  async render({ alive }) {
    const manager = session.isManager();
    const messages = h("ul", { class: "message-list", dataset: { messages: "" } });
    const alerts = h("ul", { class: "message-list", dataset: { alerts: "" } });
    const count = h("p", { class: "muted", role: "status", dataset: { unread: "" } });
    let page = { items: [], unread: 0 };
    let alertRows = [];

    const draw = () => {
      count.dataset.unread = String(page.unread);
      count.textContent = t("inbox.unread", { count: page.unread });
      clear(messages).append(...page.items.map((item) => messageItem(item, readMessage)));
      if (!page.items.length) messages.append(h("li", { class: "notice", dataset: { notice: "empty" } }, t("inbox.none")));
      clear(alerts).append(...alertRows.map((alert) => alertItem(alert, readAlert)));
      if (!alertRows.length) alerts.append(h("li", { class: "notice notice-ok", dataset: { notice: "no-alerts" } }, t("alerts.none")));
    };
    const load = async () => {
      try {
        [page, alertRows] = await Promise.all([api.get("/api/v1/inbox?limit=100"), manager ? api.get("/api/v1/care/alerts") : []]);
      } catch (error) {
        clear(messages).append(h("li", { class: "notice notice-error" }, care.problem(error)));
        return;
      }
      if (alive()) draw();
    };
    async function readMessage(item) {
      try {
        const read = await api.post(`/api/v1/inbox/${item.id}/read`);
        page.items = page.items.map((x) => (x.id === read.id ? read : x));
        page.unread = Math.max(0, page.unread - 1);
        draw();
        changed();
      } catch (error) {
        toast(care.problem(error), "error");
      }
    }
    async function readAlert(alert) {
      try {
        const read = await api.post(`/api/v1/care/alerts/${alert.id}/read`);
        alertRows = alertRows.map((x) => (x.id === read.id ? read : x));
        draw();
      } catch (error) {
        toast(care.problem(error), "error");
      }
    }
    const readAll = async () => {
      for (const item of page.items.filter((x) => !x.read_at)) await readMessage(item);
    };
    await load();
    if (!alive()) return h("div");
    return h("section", { class: "screen inbox" },
      h("header", { class: "screen-head row" },
        h("div", {}, h("h1", {}, t("inbox.title")), count),
        h("span", { class: "spacer" }),
        h("button", { class: "btn", type: "button", dataset: { action: "read-all" }, onclick: readAll }, svg(icons.check), t("inbox.read_all")),
        h("button", { class: "btn", type: "button", dataset: { action: "refresh" }, onclick: load }, svg(icons.refresh), t("tasks.refresh"))),
      pushCard(),
      manager ? h("section", { class: "inbox-section" }, h("h2", {}, t("alerts.title")), alerts) : null,
      h("section", { class: "inbox-section" }, h("h2", {}, t("inbox.messages")), messages));
  },
};
