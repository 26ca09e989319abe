// Manager: a new coupon template, or changes to one. A template's kind, value, validity and scope are fixed
// once coupons exist (the server refuses changes to them); names, terms, stock, limits and price can change.
// A chain template opened by a store manager is shown read only (coupon-template-view.js).

import * as api from "../api.js";
import { amountField } from "../amount-field.js";
import { yuanOf } from "../amounts.js";
import * as text from "../coupon-text.js";
import { field, h, segmented, showFieldError, svg, toast } from "../dom.js";
import { t } from "../i18n.js";
import { icons } from "../icons.js";
import { templateView } from "./coupon-template-view.js";
import { ownTemplate } from "./coupon-templates.js";

const KINDS = ["amount_off", "percent_off", "gift", "service"];
const CATEGORIES = ["business", "device", "service"];
const PURPOSES = ["reward", "discount", "care", "education"];

function input(name, props = {}) {
  return h("input", { name, autocomplete: "off", dataset: { input: name }, ...props });
}

function wholeNumber(control) {
  const typed = control.value.trim();
  if (!typed) return null;
  return /^\d+$/.test(typed) ? Number(typed) : NaN;
}

function readOnly(label, value, name) {
  return h("div", { class: "kv", dataset: { kv: name } }, h("dt", {}, label), h("dd", {}, value));
}

export default {
  title: "template.edit_title",
  async render({ params, navigate, alive }) {
    const creating = params.id === undefined;
    let template = null;
    if (!creating) {
      try {
        template = await api.get(`/api/v1/coupon-templates/${params.id}`);
      } catch (error) {
        const message = error instanceof api.Unreachable ? t("net.needs_network") : error.problem?.detail;
        return h("section", { class: "screen" }, h("p", { class: "notice notice-error" }, message));
      }
      if (!alive()) return h("div");
      if (!ownTemplate(template)) return templateView(template);
    }
    const initial = template || {};
    const nameZh = input("name_zh", { maxLength: 60, required: true, value: initial.name_zh || "" });
    const nameEn = input("name_en", { maxLength: 60, value: initial.name_en || "" });
    const termsZh = h("textarea", { name: "terms_zh", rows: 2, maxLength: 2000, dataset: { input: "terms_zh" } }, initial.terms_zh || "");
    const termsEn = h("textarea", { name: "terms_en", rows: 2, maxLength: 2000, dataset: { input: "terms_en" } }, initial.terms_en || "");
    const stock = input("stock", { inputMode: "numeric", placeholder: t("template.unlimited"), value: initial.stock ?? "" });
    const perCustomer = input("per_customer_limit", { inputMode: "numeric", placeholder: t("template.unlimited"),
                                                     value: creating ? "1" : initial.per_customer_limit ?? "" });
    const minSpend = amountField("min_spend_fen", { placeholder: "0", value: initial.min_spend_fen ? yuanOf(initial.min_spend_fen) : "" });
    const pointsPrice = input("points_price", { inputMode: "numeric", placeholder: t("template.not_exchangeable"), value: initial.points_price ?? "" });

    // Fixed once created: chosen here only for a new template.
    const amountOff = amountField("amount_off_fen", { placeholder: "20" });
    const percentOff = input("percent_off", { inputMode: "numeric", placeholder: "15" });
    const maxOff = amountField("max_off_fen", { placeholder: t("template.no_cap") });
    const item = input("item", { maxLength: 60, placeholder: t("template.item_placeholder") });
    const validDays = input("valid_days", { inputMode: "numeric", value: "30" });
    const validFrom = input("valid_from", { type: "date" });
    const validUntil = input("valid_until", { type: "date" });
    const valueFields = {
      amount_off: [field(t("template.amount_off"), amountOff.node, { name: "amount_off_fen" })],
      percent_off: [field(t("template.percent_off"), percentOff, { name: "percent_off", hint: t("template.percent_hint") }),
                    field(t("template.max_off"), maxOff.node, { name: "max_off_fen" })],
      gift: [field(t("template.item_gift"), item, { name: "item" })],
      service: [field(t("template.item_service"), item, { name: "item" })],
    };
    const valueSlot = h("div", { class: "grid-2" });
    const kind = segmented("kind", KINDS.map((k) => [k, t(`template.kind.${k}`)]), "amount_off", (value) => valueSlot.replaceChildren(...valueFields[value]));
    valueSlot.replaceChildren(...valueFields.amount_off);
    const category = segmented("category", CATEGORIES.map((c) => [c, t(`template.category.${c}`)]), "business");
    const purpose = segmented("purpose", PURPOSES.map((p) => [p, t(`template.purpose.${p}`)]), "discount");
    const windowSlot = h("div", { class: "grid-2", hidden: true },
      field(t("template.valid_from"), validFrom, { name: "valid_from", hint: t("template.valid_from_hint") }),
      field(t("template.valid_until"), validUntil, { name: "valid_until" }));
    const daysSlot = h("div", {}, field(t("template.valid_days"), validDays, { name: "valid_days", hint: t("template.valid_days_hint") }));
    const validity = segmented("validity", [["days", t("template.validity_days")], ["window", t("template.validity_window")]], "days",
      (value) => { daysSlot.hidden = value !== "days"; windowSlot.hidden = value !== "window"; });
    const scope = segmented("scope", [["issuing", t("template.scope.issuing")], ["chain", t("template.scope.chain")]], "issuing");

    const message = h("p", { class: "form-message", role: "alert", dataset: { message: "" } });
    const save = h("button", { class: "btn btn-primary btn-large", type: "submit", dataset: { action: "save-template" } },
      svg(icons.check), t(creating ? "template.create" : "template.save"));

    const editable = () => {
      const values = { name_zh: nameZh.value.trim(), name_en: nameEn.value.trim(), terms_zh: termsZh.value.trim(), terms_en: termsEn.value.trim() };
      for (const [name, control] of [["stock", stock], ["per_customer_limit", perCustomer], ["points_price", pointsPrice]]) {
        const number = wholeNumber(control);
        if (Number.isNaN(number)) return { problem: { field: name, detail: t("form.number_invalid") } };
        values[name] = number;
      }
      const spend = minSpend.value();
      if (spend === undefined) return { problem: { field: "min_spend_fen", detail: t("form.amount_invalid") } };
      values.min_spend_fen = spend || 0;
      if (!values.name_zh) return { problem: { field: "name_zh", detail: t("template.name_required") } };
      if (values.points_price === 0) values.points_price = null;
      if (values.per_customer_limit === 0) return { problem: { field: "per_customer_limit", detail: t("form.number_invalid") } };
      return { values };
    };

    const created = () => {
      const { values, problem } = editable();
      if (problem) return { problem };
      Object.assign(values, { kind: kind.value, category: category.value, purpose: purpose.value, scope: scope.value });
      if (kind.value === "amount_off") {
        const fen = amountOff.value();
        if (!fen) return { problem: { field: "amount_off_fen", detail: t("form.amount_invalid") } };
        values.amount_off_fen = fen;
      } else if (kind.value === "percent_off") {
        const percent = wholeNumber(percentOff);
        if (!(percent >= 1 && percent <= 99)) return { problem: { field: "percent_off", detail: t("template.percent_hint") } };
        values.percent_off = percent;
        const cap = maxOff.value();
        if (cap === undefined) return { problem: { field: "max_off_fen", detail: t("form.amount_invalid") } };
        if (cap) values.max_off_fen = cap;
      } else {
        values.item = item.value.trim();
        if (!values.item) return { problem: { field: "item", detail: t("template.item_required") } };
      }
      if (validity.value === "days") {
        const days = wholeNumber(validDays);
        if (!(days >= 1 && days <= 3650)) return { problem: { field: "valid_days", detail: t("template.valid_days_hint") } };
        values.valid_days = days;
      } else {
        if (!validUntil.value) return { problem: { field: "valid_until", detail: t("template.valid_until_required") } };
        if (validFrom.value) values.valid_from = `${validFrom.value}T00:00:00`; // read in the store's time zone
        values.valid_until = `${validUntil.value}T23:59:59`;
      }
      for (const name of ["stock", "per_customer_limit", "points_price"]) if (values[name] === null && name !== "per_customer_limit") delete values[name];
      return { values };
    };

    const changed = () => {
      const { values, problem } = editable();
      if (problem) return { problem };
      const patch = {};
      for (const [name, value] of Object.entries(values)) {
        if ((initial[name] ?? null) !== (value ?? null) && !(name.startsWith("terms") && (initial[name] || "") === value)) patch[name] = value;
      }
      return { values: patch };
    };

    const form = h("form", {
      class: "screen template-form", novalidate: true,
      onsubmit: async (event) => {
        event.preventDefault();
        message.textContent = "";
        const { values, problem } = creating ? created() : changed();
        if (problem) {
          if (!showFieldError(form, problem)) message.textContent = problem.detail;
          return;
        }
        if (!creating && !Object.keys(values).length) return navigate("/coupon-templates");
        save.disabled = true;
        try {
          const saved = creating ? await api.post("/api/v1/coupon-templates", values)
            : await api.patch(`/api/v1/coupon-templates/${template.id}`, values);
          toast(t(creating ? "template.created" : "template.saved", { name: text.name(saved) }), "success");
          navigate("/coupon-templates");
        } catch (error) {
          const found = error instanceof api.Unreachable ? { detail: t("net.needs_network") } : error.problem || {};
          if (!showFieldError(form, found)) message.textContent = found.detail || (found.errors || []).map((e) => e.message).join(" ");
        } finally {
          save.disabled = false;
        }
      },
    },
      h("header", { class: "screen-head row" },
        h("a", { class: "btn btn-quiet", href: "#/coupon-templates", dataset: { action: "back" } }, svg(icons.back), t("template.list_title")),
        h("span", { class: "spacer" })),
      h("h1", {}, creating ? t("template.new") : t("template.edit_named", { name: text.name(template) })),
      h("div", { class: "card form-card" },
        h("h2", { class: "card-title" }, t("template.section_what")),
        h("div", { class: "grid-2" },
          field(t("template.name_zh"), nameZh, { name: "name_zh" }),
          field(t("template.name_en"), nameEn, { name: "name_en" })),
        creating ? [
          field(t("template.kind_label"), kind, { name: "kind" }),
          valueSlot,
          h("div", { class: "grid-2" },
            field(t("template.category_label"), category, { name: "category" }),
            field(t("template.purpose_label"), purpose, { name: "purpose" })),
        ] : h("dl", { class: "kvs kvs-inline" },
          readOnly(t("template.value"), text.value(template), "value"),
          readOnly(t("template.category_label"), `${t(`template.category.${template.category}`)} · ${t(`template.purpose.${template.purpose}`)}`, "category"),
          readOnly(t("template.validity"), text.templateValidity(template), "validity"),
          readOnly(t("template.scope_label"), t(`template.scope.${template.scope}`), "scope"),
          readOnly(t("template.issued"), String(template.issued), "issued"))),
      creating ? h("div", { class: "card form-card" },
        h("h2", { class: "card-title" }, t("template.section_when")),
        field(t("template.validity"), validity, { name: "validity" }),
        daysSlot, windowSlot,
        field(t("template.scope_label"), scope, { name: "scope", hint: t("template.scope_hint") })) : null,
      h("div", { class: "card form-card" },
        h("h2", { class: "card-title" }, t("template.section_limits")),
        h("div", { class: "grid-2" },
          field(t("template.stock"), stock, { name: "stock", hint: creating ? t("template.stock_hint") : t("template.stock_hint_issued", { issued: template.issued }) }),
          field(t("template.per_customer"), perCustomer, { name: "per_customer_limit", hint: t("template.per_customer_hint") }),
          field(t("template.min_spend"), minSpend.node, { name: "min_spend_fen", hint: t("template.min_spend_hint") }),
          field(t("template.points_price"), pointsPrice, { name: "points_price", hint: t("template.points_price_hint") }))),
      h("div", { class: "card form-card" },
        h("h2", { class: "card-title" }, t("template.section_terms")),
        h("div", { class: "grid-2" },
          field(t("template.terms_zh"), termsZh, { name: "terms_zh" }),
          field(t("template.terms_en"), termsEn, { name: "terms_en" }))),
      message,
      h("div", { class: "form-actions" },
        h("a", { class: "btn btn-large", href: "#/coupon-templates" }, t("common.cancel")),
        save));
    return form;
  },
};
