// The customer profile form shared by Capture and Edit: the essentials open, the rest folded.
// values() gives the API's field names (money in fen, birthday as {calendar, month, day, year}).

import { field, h, segmented } from "./dom.js";
import { INTEREST_SUGGESTIONS, PLAN_SUGGESTIONS, TAG_SUGGESTIONS } from "./config.js";
import { t } from "./i18n.js";

function input(name, props = {}) {
  return h("input", { name, dataset: { input: name }, ...props });
}

function numberOrNull(text) {
  const trimmed = String(text ?? "").trim();
  if (trimmed === "") return null;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : NaN;
}

/** A tag editor: chips, a text box (Enter or comma adds), and suggestions to tap. */
function chips(name, values, suggestions, onchange) {
  let current = [...values];
  const list = h("div", { class: "chips", dataset: { chips: name } });
  const box = input(`${name}_new`, { class: "chip-input", enterkeyhint: "done", autocomplete: "off",
                                     placeholder: t("form.tag_placeholder") });
  const hints = h("div", { class: "chip-suggestions" });
  const draw = () => {
    list.replaceChildren(...current.map((tag) =>
      h("button", { type: "button", class: "chip chip-on", dataset: { tag },
                    "aria-label": t("form.remove_tag", { tag }),
                    onclick: () => { current = current.filter((x) => x !== tag); draw(); onchange(); } }, tag, " ×")), box);
    hints.replaceChildren(...suggestions.filter((s) => !current.includes(s)).map((s) =>
      h("button", { type: "button", class: "chip", dataset: { suggest: s },
                    onclick: () => { current.push(s); draw(); onchange(); } }, `+ ${s}`)));
  };
  const addTyped = () => {
    for (const part of box.value.split(/[,，、]/)) {
      const tag = part.trim();
      if (tag && !current.includes(tag)) current.push(tag);
    }
    box.value = "";
    draw();
    onchange();
  };
  box.addEventListener("keydown", (event) => {
    if (event.key === "Enter") { event.preventDefault(); addTyped(); }
  });
  box.addEventListener("input", () => { if (/[,，、]/.test(box.value)) addTyped(); });
  box.addEventListener("blur", () => { if (box.value.trim()) addTyped(); });
  draw();
  const wrapper = h("div", { class: "chip-editor" }, list, hints);
  wrapper.values = () => { if (box.value.trim()) addTyped(); return [...current]; };
  return wrapper;
}

function options(from, to, label) {
  const list = [h("option", { value: "" }, "—")];
  for (let n = from; n <= to; n += 1) list.push(h("option", { value: String(n) }, label(n)));
  return list;
}

export function profileForm(initial = {}, { onChange } = {}) {
  const changed = () => onChange?.();
  const birthday = initial.birthday || {};
  const name = input("name", { value: initial.name || "", autocomplete: "off", maxLength: 60 });
  const gender = segmented("gender", [["male", t("gender.male")], ["female", t("gender.female")], [null, t("gender.unset")]],
    initial.gender ?? null, changed);
  const calendar = segmented("birth_calendar", [["solar", t("birthday.solar")], ["lunar", t("birthday.lunar")]],
    birthday.calendar || "solar", changed);
  const month = h("select", { name: "birth_month", dataset: { input: "birth_month" } },
    options(1, 12, (n) => t("birthday.month", { month: n })));
  const day = h("select", { name: "birth_day", dataset: { input: "birth_day" } }, options(1, 31, (n) => t("birthday.day", { day: n })));
  const year = input("birth_year", { type: "number", inputMode: "numeric", min: 1900, max: 2100, placeholder: t("form.year_optional") });
  month.value = birthday.month ? String(birthday.month) : "";
  day.value = birthday.day ? String(birthday.day) : "";
  year.value = birthday.year ? String(birthday.year) : "";
  const tags = chips("tags", initial.tags || [], TAG_SUGGESTIONS, changed);
  const plan = input("plan", { value: initial.plan || "", autocomplete: "off", maxLength: 100,
                               list: "plan-suggestions" });
  const spend = input("monthly_spend", { type: "number", inputMode: "decimal", min: 0, step: "1",
    value: initial.monthly_spend_fen != null ? String(initial.monthly_spend_fen / 100) : "" });
  const device = input("device_model", { value: initial.device_model || "", autocomplete: "off", maxLength: 100 });
  const devicePurchased = input("device_purchased_on", { type: "date", value: initial.device_purchased_on || "" });
  const contractEnd = input("contract_end_on", { type: "date", value: initial.contract_end_on || "" });
  const broadband = segmented("broadband", [[true, t("common.yes")], [false, t("common.no")], [null, t("common.unknown")]],
    initial.broadband ?? null, changed);
  const familyLines = input("family_lines", { type: "number", inputMode: "numeric", min: 0, max: 20,
    value: initial.family_lines != null ? String(initial.family_lines) : "" });
  const occupation = input("occupation", { value: initial.occupation || "", autocomplete: "off", maxLength: 60 });
  const interests = chips("interests", initial.interests || [], INTEREST_SUGGESTIONS, changed);
  const notes = h("textarea", { name: "notes", rows: 3, maxLength: 2000, dataset: { input: "notes" } });
  notes.value = initial.notes || "";

  const planList = h("datalist", { id: "plan-suggestions" },
    PLAN_SUGGESTIONS.map((p) => h("option", { value: p })));

  const node = h("div", { class: "profile-form" },
    h("fieldset", { class: "form-section" },
      h("legend", {}, t("form.section_basic")),
      h("div", { class: "grid-2" },
        field(t("field.name"), name, { name: "name" }),
        field(t("field.gender"), gender, { name: "gender" })),
      field(t("field.birthday"), h("div", { class: "birthday-row" }, calendar, month, day, year), { name: "birthday", wide: true }),
      field(t("field.tags"), tags, { name: "tags", wide: true })),
    h("details", { class: "form-section", open: Boolean(initial.plan || initial.device_model), dataset: { section: "product" } },
      h("summary", {}, t("form.section_product")),
      h("div", { class: "grid-2" },
        field(t("field.plan"), plan, { name: "plan" }),
        field(t("field.monthly_spend"), spend, { name: "monthly_spend_fen", hint: t("field.monthly_spend_hint") }),
        field(t("field.device_model"), device, { name: "device_model" }),
        field(t("field.device_purchased_on"), devicePurchased, { name: "device_purchased_on" }),
        field(t("field.contract_end_on"), contractEnd, { name: "contract_end_on" }),
        field(t("field.family_lines"), familyLines, { name: "family_lines" }),
        field(t("field.broadband"), broadband, { name: "broadband" })),
      planList),
    h("details", { class: "form-section", open: Boolean(initial.occupation || (initial.interests || []).length || initial.notes),
                   dataset: { section: "more" } },
      h("summary", {}, t("form.section_more")),
      h("div", { class: "grid-2" },
        field(t("field.occupation"), occupation, { name: "occupation" })),
      field(t("field.interests"), interests, { name: "interests", wide: true }),
      field(t("field.notes"), notes, { name: "notes", wide: true })));
  node.addEventListener("input", changed);
  node.addEventListener("change", changed);

  node.values = () => {
    const monthValue = numberOrNull(month.value);
    const dayValue = numberOrNull(day.value);
    const yearValue = numberOrNull(year.value);
    const spendValue = numberOrNull(spend.value);
    return {
      name: name.value.trim(),
      gender: gender.value ?? null,
      birthday: monthValue && dayValue
        ? { calendar: calendar.value, month: monthValue, day: dayValue, year: yearValue || null, leap_month: false }
        : null,
      tags: tags.values(),
      plan: plan.value.trim(),
      monthly_spend_fen: spendValue === null || Number.isNaN(spendValue) ? null : Math.round(spendValue * 100),
      device_model: device.value.trim(),
      device_purchased_on: devicePurchased.value || null,
      contract_end_on: contractEnd.value || null,
      broadband: broadband.value ?? null,
      family_lines: numberOrNull(familyLines.value) === null ? null : Math.trunc(numberOrNull(familyLines.value)),
      occupation: occupation.value.trim(),
      interests: interests.values(),
      notes: notes.value.trim(),
    };
  };
  return node;
}

/** A problem the server would answer with, found before saving (so an offline save is not refused later). */
export function check(values) {
  const b = values.birthday;
  if (b) {
    const exists = b.calendar === "lunar"
      ? b.day <= 30
      : new Date(Date.UTC(b.year || 2000, b.month - 1, b.day)).getUTCDate() === b.day;
    if (!exists) return { field: "birthday", detail: t("form.birthday_invalid") };
    if (b.year && (b.year < 1900 || b.year > new Date().getFullYear())) return { field: "birthday", detail: t("form.birth_year_invalid") };
  }
  if (values.monthly_spend_fen !== null && !(values.monthly_spend_fen >= 0)) return { field: "monthly_spend_fen", detail: t("form.number_invalid") };
  if (values.family_lines !== null && !(values.family_lines >= 0 && values.family_lines <= 20)) return { field: "family_lines", detail: t("form.family_lines_invalid") };
  return null;
}

/** The fields of `after` that differ from `before` (what a PATCH should carry). */
export function changes(before, after) {
  const out = {};
  for (const [key, value] of Object.entries(after)) {
    const old = before[key] ?? (Array.isArray(value) ? [] : typeof value === "string" ? "" : null);
    if (JSON.stringify(old) !== JSON.stringify(value)) out[key] = value;
  }
  return out;
}

/** A mainland mobile number as 11 digits, or null (the server's rule, for instant feedback). */
export function normalisePhone(raw) {
  let digits = String(raw || "").replace(/[\s\-().（）]/g, "");
  if (digits.startsWith("+86")) digits = digits.slice(3);
  else if (digits.startsWith("0086")) digits = digits.slice(4);
  else if (digits.startsWith("86") && digits.length === 13) digits = digits.slice(2);
  return /^1[3-9]\d{9}$/.test(digits) ? digits : null;
}
