// The customer's purchases and visits, and recording one. Recording goes through the outbox (its
// Idempotency-Key made at the tap), so it works offline and for a customer captured offline.

import * as api from "../api.js";
import { amountField } from "../amount-field.js";
import { formDialog } from "../dialog.js";
import { clear, field, h, segmented, svg, toast } from "../dom.js";
import * as format from "../format.js";
import { t } from "../i18n.js";
import { icons } from "../icons.js";
import * as network from "../network.js";
import * as outbox from "../outbox.js";
import { CATEGORIES, purchaseLine, VISIT_KINDS } from "../purchase-text.js";
import * as session from "../session.js";

const PAGE = 30;
const WAIT_FOR_SERVER_MS = 8000;

function purchaseItem(p) {
  const kind = p.kind === "visit" ? "visit" : p.amount_fen < 0 ? "refund" : "purchase";
  const extra = [p.items?.map((i) => i.name).join(t("common.list_separator")), p.note].filter(Boolean).join(" · ");
  return h("li", { class: "ledger-row", dataset: { purchase: String(p.id), kind } },
    h("span", { class: "ledger-main" }, h("span", {}, purchaseLine(p)),
      h("small", { class: "muted" }, format.dateTime(p.occurred_at), extra ? ` · ${extra}` : "")),
    p.points ? h("strong", { class: p.points > 0 ? "delta delta-up" : "delta delta-down" },
      t("purchase.points", { points: `${p.points > 0 ? "+" : ""}${p.points}` })) : h("span"));
}

function pendingItem(entry) {
  const refused = entry.state === "refused";
  return h("li", { class: `ledger-row ledger-pending ${refused ? "is-refused" : ""}`, dataset: { pendingPurchase: entry.key } },
    h("span", { class: "ledger-main" }, h("span", {}, purchaseLine(entry.body)),
      h("small", {}, refused ? h("a", { href: "#/outbox" }, t("outbox.state_refused"), ": ", entry.problem?.detail || "")
                             : t("outbox.state_pending"))),
    h("span", { class: "pill pill-warn" }, svg(refused ? icons.alert : icons.outbox)));
}

function purchaseForm() {
  const amount = amountField("amount", { placeholder: "0", required: true });
  const category = segmented("category", CATEGORIES.map((c) => [c, t(`purchase.category.${c}`)]), null);
  const itemName = h("input", { name: "item", maxLength: 100, autocomplete: "off", placeholder: t("purchase.item_placeholder"),
                                dataset: { input: "item" } });
  const note = h("input", { name: "note", maxLength: 500, autocomplete: "off", dataset: { input: "purchase-note" } });
  const content = h("div", { class: "dialog-fields" },
    field(t("purchase.amount"), amount.node, { name: "amount" }),
    field(t("purchase.category"), category, { name: "category" }),
    field(t("purchase.item"), itemName, { name: "item" }),
    field(t("purchase.note"), note, { name: "note" }));
  const read = (say) => {
    const fen = amount.value();
    if (fen === undefined || fen === null) return say(t("form.amount_invalid"));
    if (!category.value) return say(t("purchase.category_required"));
    const body = { kind: "purchase", category: category.value, amount_fen: fen };
    if (itemName.value.trim()) body.items = [{ name: itemName.value.trim(), quantity: 1, amount_fen: fen }];
    if (note.value.trim()) body.note = note.value.trim();
    return body;
  };
  return { content, read };
}

function visitForm() {
  const kind = segmented("visit_kind", VISIT_KINDS.map((k) => [k, t(`purchase.visit.${k}`)]), null);
  const note = h("input", { name: "note", maxLength: 500, autocomplete: "off", dataset: { input: "visit-note" } });
  const content = h("div", { class: "dialog-fields" },
    field(t("purchase.visit_kind"), kind, { name: "visit_kind" }),
    field(t("purchase.note"), note, { name: "note" }));
  const read = (say) => {
    if (!kind.value) return say(t("purchase.visit_kind_required"));
    const body = { kind: "visit", visit_kind: kind.value };
    if (note.value.trim()) body.note = note.value.trim();
    return body;
  };
  return { content, read };
}

export default {
  id: "purchases",
  title: "panel.purchases.title",
  icon: "purchase",
  render(customer, ctx) {
    const list = h("ul", { class: "ledger", dataset: { purchases: "" } });
    const pendingList = h("ul", { class: "ledger ledger-pending-list", dataset: { pendingPurchases: "" } });
    const status = h("p", { class: "muted small", role: "status" });
    const more = h("button", { class: "btn btn-block", type: "button", hidden: true, dataset: { action: "more-purchases" } }, t("common.more"));
    const ref = ctx.local ? customer.id : Number(customer.id);
    let offset = 0;

    const loadPending = async () => {
      const entries = (await outbox.about(ref)).filter((e) => e.kind === "purchase.record");
      if (ctx.alive()) clear(pendingList).append(...entries.map(pendingItem));
    };

    const load = async (reset) => {
      await loadPending();
      if (ctx.local) {
        status.textContent = t("panel.after_sync");
        return;
      }
      if (reset) offset = 0;
      try {
        const page = await api.get(`/api/v1/customers/${customer.id}/purchases?limit=${PAGE}&offset=${offset}`);
        if (!ctx.alive()) return;
        if (reset) clear(list);
        list.append(...page.items.map(purchaseItem));
        offset += page.items.length;
        more.hidden = !page.has_more;
        status.textContent = list.children.length ? "" : t("purchase.none");
      } catch (error) {
        if (!ctx.alive()) return;
        status.textContent = error instanceof api.Unreachable ? t("panel.offline") : error.problem?.detail || "";
      }
    };
    more.addEventListener("click", () => load(false));

    const record = async (which) => {
      const form = which === "visit" ? visitForm() : purchaseForm();
      const body = await formDialog({
        name: `record-${which}`, title: t(which === "visit" ? "purchase.record_visit" : "purchase.record_purchase"),
        lead: t("purchase.record_lead", { name: customer.name || format.maskPhone(customer.phone) }),
        content: form.content, ok: t("purchase.save"),
        onOk: async ({ say }) => form.read(say),
      });
      if (!body) return;
      const me = session.current();
      if (!me.store_id && customer.home_store_id) body.store_id = customer.home_store_id;
      const key = outbox.newKey(); // made when Save was tapped: however often it is sent, it is recorded once
      const waiting = outbox.outcome(key, network.isOnline() && !ctx.local ? WAIT_FOR_SERVER_MS : 0);
      await outbox.submit({
        key, kind: "purchase.record", method: "POST", path: "/api/v1/purchases", ref,
        body: { customer_id: ctx.local ? "{customer}" : Number(customer.id), ...body },
        label: { name: customer.name || "", phone: customer.phone || "" },
      });
      await loadPending();
      const result = await waiting;
      if (!ctx.alive()) return;
      if (result?.type === "outbox:sent") toast(t(which === "visit" ? "purchase.visit_saved" : "purchase.saved"), "success");
      else if (result?.type === "outbox:refused") toast(result.problem.detail, "error", 6000);
      else toast(t("purchase.saved_offline"), "warn", 5000);
    };

    const purchaseButton = h("button", { class: "btn btn-primary", type: "button", dataset: { action: "record-purchase" },
                                         onclick: () => record("purchase") }, svg(icons.purchase), t("purchase.record_purchase"));
    const visitButton = h("button", { class: "btn", type: "button", dataset: { action: "record-visit" },
                                      onclick: () => record("visit") }, svg(icons.home), t("purchase.record_visit"));
    ctx.onRefresh(() => load(true));
    ctx.onOutbox(loadPending);
    load(true);
    return h("div", { class: "panel-body", dataset: { panel: "purchases" } },
      h("div", { class: "panel-actions" }, purchaseButton, visitButton),
      pendingList,
      status,
      list,
      more);
  },
};
