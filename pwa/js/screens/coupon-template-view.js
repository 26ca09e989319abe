// A chain (headquarters) template as a store manager sees it: everything it gives and limits, read only.

import * as text from "../coupon-text.js";
import { h, svg } from "../dom.js";
import { t } from "../i18n.js";
import { icons } from "../icons.js";
import * as session from "../session.js";

function fact(label, value, name) {
  return h("div", { class: "kv", dataset: { kv: name } }, h("dt", {}, label), h("dd", {}, value));
}

/** Where coupons of the template can be redeemed, as far as a manager may know the stores. */
function stores(template) {
  if (template.scope !== "list") return t(`template.scope.${template.scope}`);
  const mine = template.store_ids.includes(session.current().store_id);
  return t(mine ? "template.scope_list_mine" : "template.scope_list_other", { count: template.store_ids.length });
}

export function templateView(template) {
  const terms = text.terms(template);
  return h("section", { class: "screen template-view", dataset: { templateView: String(template.id) } },
    h("header", { class: "screen-head row" },
      h("a", { class: "btn btn-quiet", href: "#/coupon-templates", dataset: { action: "back" } }, svg(icons.back), t("template.list_title")),
      h("span", { class: "spacer" })),
    h("div", { class: "row" },
      h("h1", {}, text.name(template)),
      h("span", { class: "pill pill-small" }, t("template.chain")),
      h("span", { class: `pill pill-small ${template.active ? "pill-ok" : "pill-off"}`, dataset: { state: template.active ? "active" : "inactive" } },
        t(template.active ? "template.active" : "template.inactive"))),
    h("p", { class: "notice", dataset: { notice: "chain" } }, t("template.chain_view_lead")),
    h("div", { class: "card form-card" },
      h("h2", { class: "card-title" }, t("template.section_what")),
      h("dl", { class: "kvs kvs-inline" },
        fact(t("template.value"), text.value(template), "value"),
        fact(t("template.min_spend_label"), template.min_spend_fen ? text.minSpend(template) : t("template.no_min_spend"), "min_spend"),
        fact(t("template.category_label"),
          `${t(`template.category.${template.category}`)} · ${t(`template.purpose.${template.purpose}`)}`, "category"))),
    h("div", { class: "card form-card" },
      h("h2", { class: "card-title" }, t("template.section_when")),
      h("dl", { class: "kvs kvs-inline" },
        fact(t("template.validity"), text.templateValidity(template), "validity"),
        fact(t("template.scope_label"), stores(template), "scope"))),
    h("div", { class: "card form-card" },
      h("h2", { class: "card-title" }, t("template.section_limits")),
      h("dl", { class: "kvs kvs-inline" },
        fact(t("template.stock"), text.stock(template), "stock"),
        template.stock === null ? null : fact(t("template.issued"), String(template.issued), "issued"),  // else stock says it
        fact(t("template.per_customer"), template.per_customer_limit ?? t("template.unlimited"), "per_customer"),
        fact(t("template.points_price"),
          template.points_price ? t("points.price", { points: template.points_price }) : t("template.not_exchangeable"), "points_price"))),
    h("div", { class: "card form-card" },
      h("h2", { class: "card-title" }, t("template.section_terms")),
      h("p", { class: terms ? "template-terms" : "muted", dataset: { kv: "terms" } }, terms || t("template.no_terms"))));
}
