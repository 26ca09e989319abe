// How a coupon or a coupon template reads to a clerk: its name in their language, its value, validity and state.

import * as format from "./format.js";
import { lang, t } from "./i18n.js";

export { groupCode } from "./redemption.js";

export function name(item) {
  return lang() === "en" && item.name_en ? item.name_en : item.name_zh;
}

export function terms(template) {
  return lang() === "en" && template.terms_en ? template.terms_en : template.terms_zh;
}

/** "¥20 off", "15% off (up to ¥50)" (in Chinese as 8.5 zhe), "Gift: screen film". */
export function value(item) {
  if (item.kind === "amount_off") return t("coupon.value.amount_off", { amount: format.money(item.amount_off_fen) });
  if (item.kind === "percent_off") {
    const params = { percent: item.percent_off, zhe: (100 - item.percent_off) / 10 };
    return item.max_off_fen ? t("coupon.value.percent_off_capped", { ...params, amount: format.money(item.max_off_fen) })
      : t("coupon.value.percent_off", params);
  }
  return t(`coupon.value.${item.kind}`, { item: item.item });
}

export function minSpend(item) {
  return item.min_spend_fen ? t("coupon.min_spend", { amount: format.money(item.min_spend_fen) }) : "";
}

/** What a clerk should read from the state: issued coupons past their window are expired whatever the job did. */
export function state(coupon, now = new Date()) {
  if (coupon.state !== "issued") return coupon.state;
  if (new Date(coupon.valid_until) <= now) return "expired";
  if (new Date(coupon.valid_from) > now) return "not_yet_valid";
  return "usable";
}

export function validity(coupon) {
  return t("coupon.valid_range", { from: format.date(coupon.valid_from), until: format.until(coupon.valid_until) });
}

/** A template's validity: "30 days from issue" or a fixed window. */
export function templateValidity(template) {
  if (template.valid_days) return t("template.valid_days_text", { days: template.valid_days });
  return t("coupon.valid_range", { from: template.valid_from ? format.date(template.valid_from) : t("template.from_issue"),
                                   until: format.until(template.valid_until) });
}

export function stock(template) {
  if (template.stock === null || template.stock === undefined) return t("template.stock_unlimited", { issued: template.issued });
  return t("template.stock_left", { left: template.remaining, stock: template.stock });
}
