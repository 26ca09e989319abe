// Manager: undo a redemption made in this store in the last 30 minutes (a wrong coupon scanned, a sale
// cancelled), with a reason and a confirmation. The coupon becomes usable again.

import * as api from "../api.js";
import * as text from "../coupon-text.js";
import { clear, confirmDialog, field, h, svg, toast } from "../dom.js";
import * as format from "../format.js";
import { t } from "../i18n.js";
import { icons } from "../icons.js";
import * as redeemed from "../redeemed.js";
import * as session from "../session.js";

const WINDOW_MS = 30 * 60 * 1000;
const REASONS = ["reversal.reason_wrong_coupon", "reversal.reason_cancelled", "reversal.reason_twice"];

function recentList(pick) {
  const items = redeemed.recent().filter((r) => Date.now() - new Date(r.at).getTime() < WINDOW_MS);
  if (!items.length) return h("p", { class: "muted small" }, t("reversal.recent_none"));
  return h("ul", { class: "results", dataset: { recentRedemptions: "" } }, items.map((r) =>
    h("li", {}, h("button", { class: "result result-button", type: "button", dataset: { recent: r.coupon.code }, onclick: () => pick(r.coupon.code) },
      h("div", { class: "result-main" }, h("strong", {}, text.name(r.coupon)),
        h("span", { class: "mono muted" }, text.groupCode(r.coupon.code))),
      h("small", { class: "muted" }, format.dateTime(r.at).slice(-5))))));
}

export default {
  title: "reversal.title",
  render({ query, alive }) {
    const me = session.current();
    const codeInput = h("input", { class: "input-code mono", name: "code", autocomplete: "off", autocapitalize: "characters",
                                   spellcheck: false, maxLength: 40, placeholder: t("redeem.code_placeholder"),
                                   value: query.get("code") ? text.groupCode(query.get("code")) : "", dataset: { input: "reverse-code" } });
    const findButton = h("button", { class: "btn btn-primary btn-large", type: "submit", dataset: { action: "find-coupon" } },
      svg(icons.search), t("reversal.find"));
    const slot = h("div", { class: "reversal-slot", dataset: { reversal: "" } });
    const message = h("p", { class: "form-message", role: "alert" });

    const showCoupon = (coupon) => {
      const redeemedAt = coupon.redeemed_at ? new Date(coupon.redeemed_at).getTime() : null;
      const until = redeemedAt ? new Date(redeemedAt + WINDOW_MS) : null;
      const here = me.role === "admin" || coupon.redeemed_store_id === me.store_id;
      let blocked = null;
      if (coupon.state !== "redeemed") blocked = t("reversal.not_redeemed", { state: t(`coupon.state.${text.state(coupon)}`) });
      else if (!here) blocked = t("reversal.other_store");
      else if (until <= new Date()) blocked = t("reversal.too_late", { time: format.dateTime(until.toISOString()) });
      const reason = h("input", { name: "reason", maxLength: 200, autocomplete: "off", placeholder: t("reversal.reason_placeholder"),
                                  dataset: { input: "reason" } });
      const result = h("p", { class: "form-message", role: "alert" });
      reason.addEventListener("input", () => { result.textContent = ""; });
      const chips = h("div", { class: "chip-suggestions" }, REASONS.map((key) => h("button", {
        class: "chip", type: "button", onclick: () => { reason.value = t(key); result.textContent = ""; reason.focus(); },
      }, t(key))));
      const go = h("button", { class: "btn btn-danger-solid btn-large", type: "button", dataset: { action: "reverse" }, disabled: Boolean(blocked) },
        svg(icons.undo), t("reversal.action"));
      go.addEventListener("click", async () => {
        if (!reason.value.trim()) {
          result.textContent = t("reversal.reason_required");
          return reason.focus();
        }
        const ok = await confirmDialog({
          title: t("reversal.confirm_title"),
          body: t("reversal.confirm_body", { coupon: text.name(coupon), code: text.groupCode(coupon.code), reason: reason.value.trim() }),
          ok: t("reversal.action"), danger: true,
        });
        if (!ok) return;
        go.disabled = true;
        try {
          const back = await api.post(`/api/v1/coupons/${coupon.id}/reverse`, { reason: reason.value.trim() });
          redeemed.forget(coupon.id);
          toast(t("reversal.done", { code: text.groupCode(back.code) }), "success", 5000);
          if (alive()) {
            clear(slot).append(h("section", { class: "answer answer-ok", role: "status", dataset: { answer: "reversed" } },
              h("span", { class: "answer-icon" }, svg(icons.undo)),
              h("h2", { class: "answer-title" }, t("reversal.done_title")),
              h("p", { class: "answer-what" }, text.name(back), " · ", text.value(back)),
              h("p", { class: "answer-detail" }, t("reversal.done_detail", { until: format.until(back.valid_until) }))));
          }
        } catch (error) {
          result.textContent = error instanceof api.Unreachable ? t("net.needs_network") : error.problem?.detail || "";
          go.disabled = false;
        }
      });
      clear(slot).append(h("section", { class: "card reversal-card", dataset: { coupon: String(coupon.id), state: coupon.state } },
        h("div", { class: "coupon" },
          h("span", { class: "coupon-icon" }, svg(icons.coupon)),
          h("div", { class: "coupon-main" },
            h("strong", { class: "big" }, text.name(coupon)),
            h("span", { class: "coupon-value" }, text.value(coupon)),
            h("span", { class: "mono muted" }, text.groupCode(coupon.code)))),
        coupon.state === "redeemed" ? h("dl", { class: "kvs" },
          h("div", { class: "kv" }, h("dt", {}, t("reversal.redeemed_at")), h("dd", {}, format.dateTime(coupon.redeemed_at))),
          here ? h("div", { class: "kv" }, h("dt", {}, t("reversal.reversible_until")), h("dd", {}, format.dateTime(until.toISOString()))) : null) : null,
        blocked ? h("p", { class: "notice notice-warn", dataset: { notice: "blocked" } }, blocked) : [
          field(t("reversal.reason"), reason, { name: "reason" }),
          chips,
        ],
        result,
        h("div", { class: "form-actions" },
          h("a", { class: "btn btn-large", href: `#/customers/${coupon.customer_id}?tab=coupons` }, t("redeem.open_customer")), go)));
      if (!blocked) setTimeout(() => reason.focus(), 0);
    };

    const find = async (code) => {
      message.textContent = "";
      clear(slot);
      try {
        showCoupon(await api.get(`/api/v1/coupons/lookup?code=${encodeURIComponent(code)}`));
      } catch (error) {
        message.textContent = error instanceof api.Unreachable ? t("net.needs_network") : error.problem?.detail || "";
      }
    };
    const pick = (code) => {
      codeInput.value = text.groupCode(code);
      find(code);
    };
    if (codeInput.value) find(codeInput.value);

    return h("section", { class: "screen reversal" },
      h("header", { class: "screen-head" }, h("h1", {}, t("reversal.title")), h("p", { class: "muted" }, t("reversal.lead"))),
      h("div", { class: "redeem-layout" },
        h("div", { class: "redeem-input" },
          h("form", { class: "card redeem-form", novalidate: true,
                      onsubmit: (event) => { event.preventDefault(); if (codeInput.value.trim()) find(codeInput.value.trim()); } },
            field(t("redeem.code"), codeInput, { name: "code" }), message, findButton),
          h("section", { class: "card" }, h("h2", { class: "card-title" }, svg(icons.clock), t("reversal.recent_title")), recentList(pick))),
        h("div", { class: "redeem-output" }, slot)));
  },
};
