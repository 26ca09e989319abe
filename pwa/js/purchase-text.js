// How a purchase, refund or visit reads: on the customer's page, in the outbox, on the timeline's pending list.

import * as format from "./format.js";
import { t } from "./i18n.js";

export const CATEGORIES = ["plan", "device", "accessory", "service", "bill_payment"];
export const VISIT_KINDS = ["bill_payment", "after_sales", "consultation", "complaint"];

/** One line for a purchase, refund or visit: sent (with its number) or still in the outbox (what was typed). */
export function purchaseLine(item) {
  if (item.kind === "visit") return t("purchase.visit_line", { visit: t(`purchase.visit.${item.visit_kind}`) });
  const category = item.category ? t(`purchase.category.${item.category}`) : "";
  if (item.amount_fen < 0) return t("purchase.refund_line", { amount: format.money(-item.amount_fen), category });
  return item.seq ? t("purchase.line_seq", { seq: item.seq, amount: format.money(item.amount_fen), category })
    : t("purchase.line", { amount: format.money(item.amount_fen), category });
}
