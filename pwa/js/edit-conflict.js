// A profile change the server refused because someone else changed the same fields after the clerk saw
// them (409 customer.changed_meanwhile): theirs and mine side by side, and the clerk's choice.
//   keep theirs   the refused fields leave the change; what else it changed is sent (or, if nothing, it is dropped)
//   apply mine    sent again expecting their values now, so a change made meanwhile once more is caught again
// A refused write stored no answer under its Idempotency-Key, so the entry is sent again under the same key.

import * as format from "./format.js";
import { h, toast } from "./dom.js";
import { t, tOr } from "./i18n.js";
import * as outbox from "./outbox.js";

export const CODE = "customer.changed_meanwhile";

export function isConflict(entry) {
  return entry.kind === "customer.update" && entry.state === "refused" && entry.problem?.code === CODE;
}

/** The fields a change sets (its body less the values it expected). */
export function changedFields(body) {
  return Object.keys(body || {}).filter((name) => name !== "expected");
}

/** What the clerk saw of each field a change sets: what the server's `expected` should say. */
export function expectedOf(before, diff) {
  return Object.fromEntries(changedFields(diff).map((name) => {
    const value = before[name];
    return [name, value ?? (Array.isArray(diff[name]) ? [] : typeof diff[name] === "string" ? "" : null)];
  }));
}

/** The change keeping their values of `fields`; null when it changed nothing else. */
export function keepingTheirs(body, fields) {
  const rest = Object.fromEntries(Object.entries(body).filter(([name]) => !fields.includes(name)));
  if (rest.expected) {
    rest.expected = Object.fromEntries(Object.entries(rest.expected).filter(([name]) => !fields.includes(name)));
    if (!Object.keys(rest.expected).length) delete rest.expected;
  }
  return changedFields(rest).length ? rest : null;
}

/** The change applying mine over their values now. */
export function applyingMine(body, current) {
  return { ...body, expected: { ...(body.expected || {}), ...current } };
}

function shown(name, value) {
  if (value === null || value === undefined || value === "" || (Array.isArray(value) && !value.length)) {
    return t("customer.not_filled");
  }
  switch (name) {
    case "gender": return t(`gender.${value}`);
    case "birthday": return format.birthday(value);
    case "tags": case "interests": return value.join(t("common.list_separator"));
    case "monthly_spend_fen": return format.money(value);
    case "device_purchased_on": case "contract_end_on": return format.day(value);
    case "broadband": return t(value ? "common.yes" : "common.no");
    case "phone": return format.phone(value);
    default: return String(value);
  }
}

/**
 * Theirs against mine for each refused field, and the two choices; `onDone(choice)` hears which was made
 * ("theirs" or "mine") once the outbox has it.
 */
export function conflictView(entry, { onDone } = {}) {
  const fields = entry.problem.fields || [];
  const current = entry.problem.current || {};
  const rows = fields.map((name) => h("tr", { dataset: { conflictField: name } },
    h("th", { scope: "row" }, tOr(`field.${name}`, name)),
    h("td", { dataset: { theirs: "" } }, shown(name, current[name])),
    h("td", { dataset: { mine: "" } }, shown(name, entry.body[name]))));
  const table = h("table", { class: "table" },
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("conflict.field")), h("th", { scope: "col" }, t("conflict.theirs")),
      h("th", { scope: "col" }, t("conflict.mine")))),
    h("tbody", {}, rows));
  const choose = (choice) => async (event) => {
    for (const button of event.currentTarget.parentNode.querySelectorAll("button")) button.disabled = true;
    if (choice === "theirs") {
      const rest = keepingTheirs(entry.body, fields);
      if (rest) await outbox.amend(entry.key, rest);
      else await outbox.discard(entry.key);
      toast(t("conflict.kept_theirs"), "success");
    } else {
      await outbox.amend(entry.key, applyingMine(entry.body, current));
      toast(t("conflict.sending_mine"));
    }
    onDone?.(choice);
  };
  return h("div", { class: "conflict", dataset: { conflict: entry.key } },
    h("div", { class: "table-scroll" }, table),
    h("div", { class: "form-actions" },
      h("button", { class: "btn", type: "button", dataset: { action: "keep-theirs" }, onclick: choose("theirs") },
        t("conflict.keep_theirs")),
      h("button", { class: "btn btn-primary", type: "button", dataset: { action: "apply-mine" }, onclick: choose("mine") },
        t("conflict.apply_mine"))));
}
