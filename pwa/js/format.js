// Dates in the store's time zone and the clerk's language; money from integer fen.

import { lang, t } from "./i18n.js";
import * as session from "./session.js";

function zone() {
  return session.current()?.timezone || "Asia/Shanghai";
}

export function dateTime(iso) {
  if (!iso) return "";
  return new Intl.DateTimeFormat(lang(), {
    timeZone: zone(), year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hour12: false,
  }).format(new Date(iso));
}

export function date(iso) {
  if (!iso) return "";
  return new Intl.DateTimeFormat(lang(), { timeZone: zone(), year: "numeric", month: "2-digit", day: "2-digit" })
    .format(new Date(iso));
}

/**
 * The end of a validity as people count days: one at midnight is the whole of the day before (a coupon valid
 * "30 days" from the 8th ends at 00:00 on the 7th of next month: its last day is the 6th), as the wallet says it.
 */
export function until(iso) {
  if (!iso) return "";
  const moment = new Date(iso);
  const clock = new Intl.DateTimeFormat("en-GB", { timeZone: zone(), hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false })
    .format(moment);
  if (clock === "00:00:00" || clock === "24:00:00") return date(new Date(moment.getTime() - 1).toISOString());
  if (clock.startsWith("23:59")) return date(iso);
  return dateTime(iso);
}

/** A calendar day (YYYY-MM-DD: a due day, a contract's end) written the way date() writes an instant's day. */
export function day(value) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value || "")) return value || "";
  const [year, month, dayOfMonth] = value.split("-").map(Number);
  return new Intl.DateTimeFormat(lang(), { timeZone: "UTC", year: "numeric", month: "2-digit", day: "2-digit" })
    .format(new Date(Date.UTC(year, month - 1, dayOfMonth)));
}

/** YYYY-MM-DD of an instant in the store's zone (for "today" comparisons). */
export function dayKey(value) {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone: zone(), year: "numeric", month: "2-digit", day: "2-digit" })
    .format(value instanceof Date ? value : new Date(value));
  return parts;
}

export function money(fen) {
  if (fen === null || fen === undefined) return "";
  return `¥${(fen / 100).toLocaleString(lang(), { minimumFractionDigits: fen % 100 ? 2 : 0, maximumFractionDigits: 2 })}`;
}

export function birthday(value) {
  if (!value) return "";
  const calendar = t(`birthday.${value.calendar}`);
  const text = value.year
    ? t("birthday.full", { year: value.year, month: value.month, day: value.day })
    : t("birthday.short", { month: value.month, day: value.day });
  return `${calendar} ${text}`;
}

export function maskPhone(phone) {
  return phone && phone.length >= 7 ? `${phone.slice(0, 3)}****${phone.slice(-4)}` : phone || "";
}

/** 138 1234 5678: the grouping people read numbers aloud in. */
export function phone(value) {
  return /^\d{11}$/.test(value || "") ? `${value.slice(0, 3)} ${value.slice(3, 7)} ${value.slice(7)}` : value || "";
}
