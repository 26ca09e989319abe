// The customer's points: balance, what expires soon, the ledger, exchanging points for a coupon, and a
// manager's adjustment with a reason. All of it needs the server (the ledger is the server's).

import * as api from "../api.js";
import * as text from "../coupon-text.js";
import { formDialog, pickDialog } from "../dialog.js";
import { clear, confirmDialog, field, h, svg, toast } from "../dom.js";
import * as format from "../format.js";
import { t, tOr } from "../i18n.js";
import { icons } from "../icons.js";
import * as network from "../network.js";
import { newKey } from "../outbox.js";
import * as session from "../session.js";

const PAGE = 20;
const MAX_ADJUST = 1_000_000;

function entryLabel(entry) {
  const base = tOr(`points.source.${entry.source_kind}`, t(`points.kind.${entry.kind}`));
  return entry.reason && entry.kind === "adjust" ? t("points.with_reason", { label: base, reason: entry.reason }) : base;
}

function entryItem(entry) {
  const sign = entry.points > 0 ? "+" : "";
  return h("li", { class: "ledger-row", dataset: { ledgerEntry: String(entry.id), kind: entry.kind } },
    h("span", { class: "ledger-main" }, h("span", {}, entryLabel(entry)), h("small", { class: "muted" }, format.dateTime(entry.at))),
    h("strong", { class: entry.points >= 0 ? "delta delta-up" : "delta delta-down" }, `${sign}${entry.points}`),
    h("small", { class: "muted ledger-balance" }, t("points.balance_after", { balance: entry.balance_after })));
}

async function failed(error) {
  toast(error instanceof api.Unreachable ? t("net.needs_network") : error.problem?.detail || t("error.screen"), "error", 6000);
}

export default {
  id: "points",
  title: "panel.points.title",
  icon: "points",
  render(customer, ctx) {
    const balance = h("strong", { class: "points-balance", dataset: { pointsBalance: "" } }, "—");
    const expiry = h("p", { class: "small points-expiry", dataset: { pointsExpiry: "" } });
    const ledger = h("ul", { class: "ledger", dataset: { ledger: "" } });
    const status = h("p", { class: "muted small", role: "status" });
    const more = h("button", { class: "btn btn-block", type: "button", hidden: true, dataset: { action: "more-points" } }, t("common.more"));
    const exchangeButton = h("button", { class: "btn btn-primary", type: "button", dataset: { action: "exchange-points" } },
      svg(icons.coupon), t("points.exchange"));
    const adjustButton = session.isManager()
      ? h("button", { class: "btn", type: "button", dataset: { action: "adjust-points" } }, svg(icons.edit), t("points.adjust")) : null;
    let current = null;
    let offset = 0;
    let unanswered = null; // { templateId, key } of an exchange whose answer was lost

    const load = async (reset) => {
      if (ctx.local) {
        status.textContent = t("panel.after_sync");
        return;
      }
      if (reset) offset = 0;
      try {
        const points = await api.get(`/api/v1/customers/${customer.id}/points?limit=${PAGE}&offset=${offset}`);
        if (!ctx.alive()) return;
        current = points;
        balance.textContent = String(points.balance);
        ctx.setBadge(String(points.balance));
        const soon = points.upcoming_expiry[0];
        expiry.textContent = soon ? t("points.expiring", { points: soon.points, date: format.day(soon.expires_on) }) : "";
        expiry.hidden = !soon;
        if (reset) clear(ledger);
        ledger.append(...points.entries.map(entryItem));
        offset += points.entries.length;
        more.hidden = !points.has_more;
        status.textContent = ledger.children.length ? "" : t("points.none");
      } catch (error) {
        if (!ctx.alive()) return;
        status.textContent = error instanceof api.Unreachable ? t("panel.offline") : error.problem?.detail || "";
      }
    };
    more.addEventListener("click", () => load(false));

    // Busy from the first tap until the pickers and the request are done: a second tap opens nothing.
    let busy = false;
    const exchange = async () => {
      if (busy) return;
      busy = true;
      exchangeButton.disabled = true;
      try {
        await exchangeOnce();
      } finally {
        busy = false;
        exchangeButton.disabled = ctx.local || ctx.stale;
      }
    };

    const exchangeOnce = async () => {
      if (!network.isOnline()) return toast(t("net.needs_network"), "error");
      let templates;
      try {
        templates = (await api.get("/api/v1/coupon-templates?active=true&limit=200")).filter((tpl) => tpl.points_price);
      } catch (error) {
        return failed(error);
      }
      const have = current ? current.balance : 0;
      const chosen = await pickDialog({
        name: "pick-exchange", title: t("points.exchange_title"), lead: t("points.exchange_lead", { balance: have }), items: templates,
        empty: t("points.exchange_none"),
        describe: (tpl) => ({
          title: text.name(tpl),
          lines: [t("points.price", { points: tpl.points_price }), text.value(tpl), text.templateValidity(tpl)],
          disabled: tpl.points_price > have || tpl.remaining === 0,
          note: tpl.remaining === 0 ? t("template.sold_out") : tpl.points_price > have ? t("points.not_enough", { missing: tpl.points_price - have }) : "",
        }),
      });
      if (!chosen) return;
      const ok = await confirmDialog({
        title: t("points.exchange_confirm_title"),
        body: t("points.exchange_confirm_body", { points: chosen.points_price, coupon: text.name(chosen), balance: have - chosen.points_price }),
        ok: t("points.exchange"),
      });
      if (!ok) return;
      // Made at the tap; the same exchange tapped again after an unanswered request is that same exchange.
      const key = unanswered?.templateId === chosen.id ? unanswered.key : newKey();
      try {
        const done = await api.post(`/api/v1/customers/${customer.id}/points/exchange`, { template_id: chosen.id },
                                    { headers: { "Idempotency-Key": key } });
        unanswered = null;
        toast(t("points.exchanged", { coupon: text.name(done.coupon), code: text.groupCode(done.coupon.code) }), "success", 5000);
        ctx.refreshAll();
      } catch (error) {
        unanswered = error instanceof api.Unreachable ? { templateId: chosen.id, key } : null;
        await failed(error);
      }
    };

    const adjust = async () => {
      if (!network.isOnline()) return toast(t("net.needs_network"), "error");
      const amount = h("input", { name: "points", type: "number", inputMode: "numeric", step: 1, placeholder: t("points.adjust_placeholder"),
                                  dataset: { input: "adjust-points" } });
      const reason = h("input", { name: "reason", maxLength: 200, autocomplete: "off", placeholder: t("points.reason_placeholder"),
                                  dataset: { input: "adjust-reason" } });
      const key = newKey(); // one adjustment per dialog, however many times the confirm is tapped
      const done = await formDialog({
        name: "adjust-points", title: t("points.adjust_title"), lead: t("points.adjust_lead", { balance: current ? current.balance : 0 }),
        ok: t("points.adjust_ok"),
        content: h("div", { class: "dialog-fields" },
          field(t("points.adjust_amount"), amount, { name: "points", hint: t("points.adjust_hint") }),
          field(t("points.reason"), reason, { name: "reason" })),
        onOk: async ({ say }) => {
          const points = Number(amount.value);
          if (!Number.isInteger(points) || points === 0 || Math.abs(points) > MAX_ADJUST) return say(t("points.adjust_invalid"));
          if (!reason.value.trim()) return say(t("points.reason_required"));
          try {
            return await api.post(`/api/v1/customers/${customer.id}/points/adjust`, { points, reason: reason.value.trim() },
                                  { headers: { "Idempotency-Key": key } });
          } catch (error) {
            return say(error instanceof api.Unreachable ? t("net.needs_network") : error.problem?.detail || "");
          }
        },
      });
      if (!done) return;
      toast(t("points.adjusted", { delta: `${done.points > 0 ? "+" : ""}${done.points}`, balance: done.balance_after }), "success");
      ctx.refreshAll();
    };

    exchangeButton.addEventListener("click", exchange);
    adjustButton?.addEventListener("click", adjust);
    for (const button of [exchangeButton, adjustButton]) if (button) button.disabled = ctx.local || ctx.stale;
    ctx.onRefresh(() => load(true));
    load(true);
    return h("div", { class: "panel-body", dataset: { panel: "points" } },
      h("div", { class: "points-head" },
        h("div", { class: "points-figure" }, balance, h("span", { class: "muted" }, t("points.unit")), expiry),
        h("div", { class: "panel-actions" }, exchangeButton, adjustButton)),
      status,
      ledger,
      more);
  },
};
