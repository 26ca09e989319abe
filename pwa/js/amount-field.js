// A money input in yuan: value() is integer fen, null when left empty, undefined when it is not an amount
// (the input then says so and takes the focus).

import { fenOf } from "./amounts.js";
import { h } from "./dom.js";
import { t } from "./i18n.js";

export function amountField(name, { placeholder = "", value = "", required = false } = {}) {
  const input = h("input", { name, type: "text", inputMode: "decimal", autocomplete: "off", placeholder, value,
                             dataset: { input: name } });
  const node = h("div", { class: "amount" }, h("span", { class: "amount-unit", "aria-hidden": "true" }, "¥"), input);
  const value_ = () => {
    input.setCustomValidity("");
    const typed = input.value.trim();
    if (!typed && !required) return null;
    const fen = fenOf(typed);
    if (fen === null) {
      const slot = input.closest(".field")?.querySelector("[data-error]");
      if (slot) slot.textContent = t(required && !typed ? "form.amount_required" : "form.amount_invalid");
      input.focus();
      return undefined;
    }
    const slot = input.closest(".field")?.querySelector("[data-error]");
    if (slot) slot.textContent = "";
    return fen;
  };
  return { node, input, value: value_ };
}
