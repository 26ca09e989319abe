// Words for care: occasions, outcomes, channels, campaign states, and what a campaign does, in the clerk's language.

import * as api from "./api.js";
import * as format from "./format.js";
import { lang, t } from "./i18n.js";

export const OUTCOMES = ["reached", "no_answer", "interested", "declined", "wrong_number", "bought"];
export const CHANNELS = ["push", "inbox", "sms", "task"];
export const FESTIVALS = ["new_year", "spring_festival", "lantern", "qingming", "dragon_boat", "qixi", "mid_autumn",
  "double_ninth", "national_day"];
export const OCCASIONS = ["birthday", "contract_end", "festival", "holiday", "follow_anniversary", "device_age", "arrears",
  "win_back", "coupon_expiring", "points_expiring", "purchase_follow_up", "complaint_follow_up", "after_sales_follow_up",
  "season", "date_range"];

/** What a failed call should tell the clerk: the server's own (localised) words, or that it needs the network. */
export function problem(error) {
  if (error instanceof api.Unreachable) return t("net.needs_network");
  const found = error?.problem || {};
  return found.detail || (found.errors || []).map((e) => e.message).join(" ") || String(error?.message || error);
}

/** "Birthday (3 days before)", "Contract end: 30 days before", "Mid-Autumn"... */
export function occasion(value) {
  const kind = t(`care.occasion.${value.kind}`);
  switch (value.kind) {
    case "birthday":
    case "follow_anniversary":
      return value.days_before ? t("care.occasion_before", { kind, days: value.days_before }) : kind;
    case "festival":
      return t(`care.festival.${value.festival}`);
    case "holiday":
      return value.holiday ? `${kind} · ${value.holiday}` : kind;
    case "contract_end":
      return t("care.occasion_contract", { days: (value.offsets || [60, 30, 7]).join(" / ") });
    case "device_age":
      return t("care.occasion_device", { months: value.months ?? 24 });
    case "win_back":
      return t("care.occasion_win_back", { days: value.days ?? 90 });
    default:
      return kind;
  }
}

/** The campaign's actions in a few words: "Message · Coupon · Clerk task". */
export function actions(campaign) {
  const parts = [];
  if (campaign.message) parts.push(t("care.action.message"));
  if (campaign.coupon_template_id) parts.push(t("care.action.coupon"));
  if (campaign.points) parts.push(t("care.action.points_n", { points: campaign.points }));
  if (campaign.task) parts.push(t("care.action.task"));
  return parts.join(" · ");
}

/** The state a campaign is shown in: an active one is "scheduled" before its first day and "over" after its last
 * (the planner contacts no one then), by the store's calendar. */
export function state(campaign, today = format.dayKey(new Date())) {
  if (campaign.status !== "active") return campaign.status;
  if (campaign.starts_on && campaign.starts_on > today) return "scheduled";
  if (campaign.ends_on && campaign.ends_on < today) return "over";
  return "active";
}

/** A script or template in the clerk's language, falling back to Chinese. */
export function localised(byLang) {
  if (!byLang) return "";
  return byLang[lang()] || byLang["zh-CN"] || Object.values(byLang)[0] || "";
}

export function percent(value) {
  return `${Math.round(value * 10) / 10}%`;
}
