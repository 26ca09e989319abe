// The team's changes, each in a dialog: adding a staff member, editing one, setting a new password, and
// deactivating or reactivating (the server ends their sessions; their customers stay with the store).

import * as api from "../api.js";
import { confirmDialog, field, h, showFieldError } from "../dom.js";
import { formDialog } from "../dialog.js";
import { t } from "../i18n.js";

export const ROLES = ["clerk", "manager", "admin"];

function input(name, props = {}) {
  return h("input", { name, autocomplete: "off", dataset: { input: name }, ...props });
}

function select(name, options, value) {
  return h("select", { name, dataset: { input: name } },
    options.map(([optionValue, label]) => h("option", { value: String(optionValue), selected: String(optionValue) === String(value ?? "") }, label)));
}

/** The API's answer to a refused change: under its field when the form shows it, else in the dialog's message. */
function refused(form, say, error) {
  const found = error instanceof api.Unreachable ? { detail: t("net.needs_network") } : error.problem || {};
  if (!showFieldError(form, found)) say(found.detail || (found.errors || []).map((e) => e.message).join(" ") || String(error.message));
}

function clearErrors(form) {
  for (const node of form.querySelectorAll("[data-error]")) node.textContent = "";
}

/** The new password typed twice; returns a problem for the form, or the password. */
function passwordFields(label = "staffadmin.password") {
  const password = input("password", { type: "password", autocomplete: "new-password", maxLength: 200 });
  const again = input("password_again", { type: "password", autocomplete: "new-password", maxLength: 200 });
  const fields = h("div", { class: "grid-2" },
    field(t(label), password, { name: "password", hint: t("staffadmin.password_rule") }),
    field(t("staffadmin.password_again"), again, { name: "password_again" }));
  const check = () => {
    if (!password.value) return { field: "password", detail: t("staffadmin.password_required") };
    if (password.value !== again.value) return { field: "password_again", detail: t("staffadmin.password_mismatch") };
    return null;
  };
  return { fields, password, check };
}

function storeOptions(stores, withNone) {
  return [...(withNone ? [["", t("staffadmin.no_store")]] : []), ...stores.map((s) => [s.id, `${s.name}（${s.code}）`])];
}

/** Role and store for an admin: an admin may have no store, clerks and managers need one. */
function roleAndStore(stores, role, storeId) {
  const roleSelect = select("role", ROLES.map((r) => [r, t(`role.${r}`)]), role);
  const storeSelect = select("store_id", storeOptions(stores, true), storeId);
  const fields = h("div", { class: "grid-2" },
    field(t("staffadmin.role"), roleSelect, { name: "role", hint: t("staffadmin.role_hint") }),
    field(t("staffadmin.store"), storeSelect, { name: "store_id", hint: t("staffadmin.store_hint") }));
  return { fields, roleSelect, storeSelect };
}

/** Adds a staff member: an admin any role in any store, a manager a clerk of their own store. Resolves the new member or null. */
export function addStaff({ me, stores, storeId, base }) {
  const admin = me.role === "admin";
  const name = input("display_name", { maxLength: 60 });
  const username = input("username", { maxLength: 60, autocapitalize: "off", spellcheck: false });
  const employeeNo = input("employee_no", { maxLength: 30 });
  const { fields: passwords, password, check } = passwordFields("staffadmin.first_password");
  const placing = admin ? roleAndStore(stores, "clerk", storeId ?? stores[0]?.id ?? "") : null;
  const content = h("div", { class: "staff-form" },
    h("div", { class: "grid-2" },
      field(t("staffadmin.display_name"), name, { name: "display_name" }),
      field(t("staffadmin.employee_no"), employeeNo, { name: "employee_no", hint: t("staffadmin.employee_no_hint") })),
    field(t("staffadmin.username"), username, { name: "username", hint: t("staffadmin.username_rule") }),
    placing ? placing.fields : h("p", { class: "muted", dataset: { staffScope: "" } }, t("staffadmin.manager_adds", { store: me.store_name || "" })),
    passwords);
  return formDialog({
    name: "staff-add", title: t(admin ? "staffadmin.add_title" : "staffadmin.add_clerk_title"), lead: t("staffadmin.add_lead"), content, ok: t("staffadmin.add_ok"),
    onOk: async ({ say }) => {
      clearErrors(content);
      const body = {
        display_name: name.value.trim(), username: username.value.trim(), password: password.value,
        role: admin ? placing.roleSelect.value : "clerk",
        store_id: admin ? (placing.storeSelect.value ? Number(placing.storeSelect.value) : null) : me.store_id,
      };
      if (employeeNo.value.trim()) body.employee_no = employeeNo.value.trim();
      const problem = (!body.display_name && { field: "display_name", detail: t("staffadmin.name_required") })
        || (!body.username && { field: "username", detail: t("staffadmin.username_required") }) || check();
      if (problem) return void showFieldError(content, problem);
      try {
        return await api.post(base, body);
      } catch (error) {
        refused(content, say, error);
        return undefined;
      }
    },
  });
}

/** Name (and, for an admin, role and store) of a member. Resolves the changed member or null. */
export function editStaff({ me, member, stores, base }) {
  const admin = me.role === "admin";
  const name = input("display_name", { maxLength: 60, value: member.display_name });
  const placing = admin ? roleAndStore(stores, member.role, member.store_id ?? "") : null;
  const content = h("div", { class: "staff-form" },
    field(t("staffadmin.display_name"), name, { name: "display_name" }),
    placing ? placing.fields : null,
    placing ? h("p", { class: "muted small" }, t("staffadmin.role_change_note")) : null);
  return formDialog({
    name: "staff-edit", title: t("staffadmin.edit_title", { name: member.display_name }),
    lead: t("staffadmin.account", { username: member.username }), content, ok: t("staffadmin.save"),
    onOk: async ({ say }) => {
      clearErrors(content);
      const changes = {};
      if (name.value.trim() !== member.display_name) changes.display_name = name.value.trim();
      if (!name.value.trim()) return void showFieldError(content, { field: "display_name", detail: t("staffadmin.name_required") });
      if (admin) {
        const storeId = placing.storeSelect.value ? Number(placing.storeSelect.value) : null;
        if (placing.roleSelect.value !== member.role) changes.role = placing.roleSelect.value;
        if (storeId !== member.store_id) changes.store_id = storeId;
      }
      if (!Object.keys(changes).length) return member;
      try {
        return await api.patch(`${base}/${member.id}`, changes);
      } catch (error) {
        refused(content, say, error);
        return undefined;
      }
    },
  });
}

/** Sets a new password (typed twice); the server signs the member out everywhere. Resolves the member or null. */
export function resetPassword({ member, base }) {
  const { fields, password, check } = passwordFields();
  const content = h("div", { class: "staff-form" }, fields, h("p", { class: "muted small" }, t("staffadmin.password_effect", { name: member.display_name })));
  return formDialog({
    name: "staff-password", title: t("staffadmin.password_title", { name: member.display_name }),
    lead: t("staffadmin.account", { username: member.username }), content, ok: t("staffadmin.password_ok"),
    onOk: async ({ say }) => {
      clearErrors(content);
      const problem = check();
      if (problem) return void showFieldError(content, problem);
      try {
        return await api.patch(`${base}/${member.id}`, { password: password.value });
      } catch (error) {
        refused(content, say, error);
        return undefined;
      }
    },
  });
}

/** How many customers the member looks after (the clerks report), or null when it cannot be told. */
async function customersOf(member) {
  if (member.role === "admin") return 0;
  try {
    const report = await api.get(`/api/v1/reports/clerks?clerk=${member.id}`);
    const row = (report.rows || []).find((r) => r.clerk_id === member.id);
    return row ? Number(row.customers) || 0 : 0;
  } catch {
    return null;
  }
}

/**
 * Asks before deactivating or reactivating, saying what follows; resolves { member, customers } once done,
 * or null (cancelled, or refused: the API's message is shown as a toast by the caller through `onError`).
 */
export async function toggleActive({ member, base, onError }) {
  const deactivating = member.active;
  const customers = deactivating ? await customersOf(member) : 0;
  const lines = deactivating
    ? [t("staffadmin.deactivate_sessions", { name: member.display_name }),
       t("staffadmin.deactivate_customers"),
       customers === null ? t("staffadmin.deactivate_handover_maybe")
         : customers > 0 ? t("staffadmin.deactivate_handover", { count: customers }) : null,
       t("staffadmin.deactivate_undo")]
    : [t("staffadmin.reactivate_body", { name: member.display_name })];
  const ok = await confirmDialog({
    title: t(deactivating ? "staffadmin.deactivate_title" : "staffadmin.reactivate_title", { name: member.display_name }),
    body: h("div", { class: "staff-confirm", dataset: { toggleBody: "" } }, lines.filter(Boolean).map((line) => h("p", {}, line))),
    ok: t(deactivating ? "staffadmin.deactivate" : "staffadmin.reactivate"), danger: deactivating,
  });
  if (!ok) return null;
  try {
    const changed = await api.patch(`${base}/${member.id}`, { active: !deactivating });
    return { member: changed, customers: customers || 0 };
  } catch (error) {
    onError(error instanceof api.Unreachable ? t("net.needs_network") : error.problem?.detail || String(error.message));
    return null;
  }
}
