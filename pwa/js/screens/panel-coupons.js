// The customer's coupons on their page: each with its state and validity, and issuing one from an active
// template (with a confirmation). Issuing needs the server: stock and per-customer limits are decided there.

import * as api from "../api.js";
import * as text from "../coupon-text.js";
import { pickDialog } from "../dialog.js";
import { clear, confirmDialog, h, svg, toast } from "../dom.js";
import * as format from "../format.js";
import { t } from "../i18n.js";
import { icons } from "../icons.js";
import * as network from "../network.js";
import { newKey } from "../outbox.js";

const PAGE = 50;
const STATE_PILL = { usable: "pill-ok", not_yet_valid: "pill-warn", redeemed: "pill-off", expired: "pill-off", void: "pill-off" };

function couponItem(coupon) {
  const state = text.state(coupon);
  return h("li", { class: `coupon coupon-${state}`, dataset: { coupon: String(coupon.id), state } },
    h("span", { class: "coupon-icon" }, svg(icons.coupon)),
    h("div", { class: "coupon-main" },
      h("strong", {}, text.name(coupon)),
      h("span", { class: "coupon-value" }, text.value(coupon), coupon.min_spend_fen ? ` · ${text.minSpend(coupon)}` : ""),
      h("span", { class: "muted small" },
        state === "redeemed" ? t("coupon.redeemed_at", { time: format.dateTime(coupon.redeemed_at) }) : text.validity(coupon)),
      h("span", { class: "muted small mono", dataset: { couponCode: coupon.code } }, text.groupCode(coupon.code))),
    h("span", { class: `pill ${STATE_PILL[state] || ""}` }, t(`coupon.state.${state}`)));
}

function describeTemplate(template) {
  const soldOut = template.remaining === 0;
  return {
    title: text.name(template),
    lines: [text.value(template), [text.templateValidity(template), text.minSpend(template)].filter(Boolean).join(" · "), text.stock(template)],
    disabled: soldOut,
    note: soldOut ? t("template.sold_out") : "",
  };
}

export default {
  id: "coupons",
  title: "panel.coupons.title",
  icon: "coupon",
  render(customer, ctx) {
    const list = h("ul", { class: "coupons", dataset: { coupons: "" } });
    const status = h("p", { class: "muted small", role: "status" });
    const more = h("button", { class: "btn btn-block", type: "button", hidden: true, dataset: { action: "more-coupons" } }, t("common.more"));
    const issueButton = h("button", { class: "btn btn-primary", type: "button", dataset: { action: "issue-coupon" } },
      svg(icons.coupon), t("coupon.issue"));
    let offset = 0;
    let unanswered = null; // { templateId, key } of an issue whose answer was lost

    const load = async (reset) => {
      if (ctx.local) {
        status.textContent = t("panel.after_sync");
        return;
      }
      if (reset) offset = 0;
      try {
        const page = await api.get(`/api/v1/customers/${customer.id}/coupons?limit=${PAGE}&offset=${offset}`);
        if (!ctx.alive()) return;
        if (reset) clear(list);
        list.append(...page.items.map(couponItem));
        offset += page.items.length;
        more.hidden = !page.has_more;
        const usable = [...list.children].filter((li) => li.dataset.state === "usable").length;
        ctx.setBadge(String(usable));
        status.textContent = list.children.length ? t("coupon.summary", { usable, count: list.children.length }) : t("coupon.none");
      } catch (error) {
        if (!ctx.alive()) return;
        status.textContent = error instanceof api.Unreachable ? t("panel.offline") : error.problem?.detail || "";
      }
    };
    more.addEventListener("click", () => load(false));

    // Busy from the first tap until the pickers and the request are done: a second tap opens nothing.
    let busy = false;
    const issue = async () => {
      if (busy) return;
      busy = true;
      issueButton.disabled = true;
      try {
        await issueOnce();
      } finally {
        busy = false;
        issueButton.disabled = ctx.local || ctx.stale;
      }
    };

    const issueOnce = async () => {
      if (!network.isOnline()) return toast(t("net.needs_network"), "error");
      let templates;
      try {
        templates = await api.get("/api/v1/coupon-templates?active=true&limit=200");
      } catch (error) {
        return toast(error instanceof api.Unreachable ? t("net.needs_network") : error.problem?.detail, "error");
      }
      const now = new Date();
      const issuable = templates.filter((tpl) => tpl.valid_days || new Date(tpl.valid_until) > now);
      const chosen = await pickDialog({
        name: "pick-template", title: t("coupon.pick_title"), lead: t("coupon.pick_lead", { name: customer.name || format.maskPhone(customer.phone) }),
        items: issuable, describe: describeTemplate, empty: t("coupon.no_templates"),
      });
      if (!chosen) return;
      const ok = await confirmDialog({
        title: t("coupon.confirm_title"),
        body: t("coupon.confirm_body", { coupon: text.name(chosen), value: text.value(chosen),
                                        name: customer.name || t("customer.no_name"), phone: format.maskPhone(customer.phone) }),
        ok: t("coupon.issue"),
      });
      if (!ok) return;
      // Made at the tap; issuing the same template again after an unanswered request is that same issue.
      const key = unanswered?.templateId === chosen.id ? unanswered.key : newKey();
      try {
        const coupon = await api.post("/api/v1/coupons", { template_id: chosen.id, customer_id: Number(customer.id) },
                                      { headers: { "Idempotency-Key": key } });
        unanswered = null;
        toast(t("coupon.issued", { name: text.name(coupon), code: text.groupCode(coupon.code) }), "success", 5000);
        ctx.refreshAll();
      } catch (error) {
        unanswered = error instanceof api.Unreachable ? { templateId: chosen.id, key } : null;
        toast(unanswered ? t("coupon.issue_unreachable") : error.problem?.detail, "error", 6000);
      }
    };
    issueButton.addEventListener("click", issue);
    issueButton.disabled = ctx.local || ctx.stale;

    ctx.onRefresh(() => load(true));
    load(true);
    return h("div", { class: "panel-body", dataset: { panel: "coupons" } },
      h("div", { class: "panel-actions" }, issueButton),
      ctx.local ? null : status,
      list,
      more);
  },
};
