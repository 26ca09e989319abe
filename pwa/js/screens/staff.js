// The team (manager: their store's; admin: the chain's, by store): adding staff, editing them, new passwords,
// deactivating those who left, and handing a clerk's customers over to another clerk (客户交接).

import * as api from "../api.js";
import { clear, confirmDialog, field, h, svg, toast } from "../dom.js";
import { t } from "../i18n.js";
import { icons } from "../icons.js";
import * as session from "../session.js";
import { addStaff, editStaff, resetPassword, toggleActive } from "./staff-dialogs.js";

/** What the caller may change of a member, as the API allows: an admin anyone, a manager their store's clerks. */
function mayChange(me, member) {
  return me.role === "admin" || (member.role === "clerk" && member.store_id === me.store_id);
}

function staffRow(member, { me, storeName, act }) {
  const changeable = mayChange(me, member);
  const self = member.id === me.staff_id;
  const button = (action, label, danger = false) => h("button", {
    class: danger ? "btn btn-small btn-danger" : "btn btn-small", type: "button", dataset: { action },
    onclick: () => act(action, member),
  }, label);
  return h("tr", { dataset: { staff: member.username, active: String(member.active) } },
    h("td", {}, h("strong", {}, member.display_name), self ? h("span", { class: "muted small" }, ` · ${t("staffadmin.you")}`) : null,
      h("div", { class: "muted small mono" }, member.username)),
    h("td", {}, member.employee_no || "—"),
    h("td", { class: "staff-role" }, t(`role.${member.role}`),
      me.role === "admin" ? h("div", { class: "muted small", dataset: { staffStore: "" } }, member.store_id === null ? "—" : storeName(member.store_id)) : null),
    h("td", {}, h("span", { class: `pill ${member.active ? "pill-ok" : "pill-off"}`, dataset: { staffState: "" } },
      t(member.active ? "staff.active" : "staff.inactive"))),
    h("td", { class: "staff-actions-cell" }, changeable ? h("div", { class: "staff-actions" },
      button("edit-staff", t("staffadmin.edit")),
      button("reset-password", t("staffadmin.reset_password")),
      self ? null : member.active ? button("deactivate", t("staffadmin.deactivate"), true) : button("reactivate", t("staffadmin.reactivate")),
    ) : null));
}

function options(members, placeholder, storeName) {
  return [h("option", { value: "" }, placeholder),
    ...members.map((m) => h("option", { value: String(m.id) },
      `${m.display_name}（${m.username}${storeName ? ` · ${storeName(m.store_id)}` : ""}${m.active ? "" : ` · ${t("staff.inactive")}`}）`))];
}

function failure(error) {
  const text = error instanceof api.Unreachable ? t("net.needs_network") : error.problem?.detail;
  return h("section", { class: "screen" }, h("p", { class: "notice notice-error" }, text));
}

export default {
  title: "staff.title",
  async render({ alive }) {
    const me = session.current();
    const admin = me.role === "admin";
    const base = admin ? "/api/v1/staff" : "/api/v1/store-staff";
    let team;
    let stores = [];
    try {
      [team, stores] = await Promise.all([api.get(base), admin ? api.get("/api/v1/stores") : []]);
    } catch (error) {
      return failure(error);
    }
    if (!alive()) return h("div");
    const storeName = (id) => stores.find((s) => s.id === id)?.name || String(id ?? "—");
    let storeFilter = "";

    const lead = h("p", { class: "muted", role: "status", dataset: { staffCount: "" } });
    const body = h("tbody", {});
    const from = h("select", { name: "from_clerk_id", dataset: { input: "from" } });
    const to = h("select", { name: "to_clerk_id", dataset: { input: "to" } });
    const result = h("p", { class: "form-message", role: "status", dataset: { handoverResult: "" } });
    const go = h("button", { class: "btn btn-primary btn-large", type: "submit", dataset: { action: "handover" } }, svg(icons.swap), t("handover.submit"));
    const name = (id) => team.find((m) => m.id === Number(id))?.display_name || id;

    const shown = () => team.filter((m) => !storeFilter || String(m.store_id ?? "") === storeFilter);
    const draw = () => {
      const members = shown();
      clear(body).append(...members.map((m) => staffRow(m, { me, storeName, act })));
      lead.textContent = admin ? t("staffadmin.lead_admin", { count: members.length }) : t("staff.lead", { count: members.length });
      const clerks = members.filter((m) => m.role === "clerk" || m.role === "manager");
      const kept = [from.value, to.value];
      from.replaceChildren(...options(clerks, t("handover.pick_from"), admin && !storeFilter ? storeName : null));
      to.replaceChildren(...options(clerks.filter((m) => m.active), t("handover.pick_to"), admin && !storeFilter ? storeName : null));
      [from.value, to.value] = kept;
    };
    const replace = (changed) => {
      team = team.some((m) => m.id === changed.id) ? team.map((m) => (m.id === changed.id ? changed : m)) : [...team, changed];
      draw();
    };

    const act = async (action, member) => {
      if (action === "edit-staff") {
        const changed = await editStaff({ me, member, stores, base });
        if (changed && alive()) {
          replace(changed);
          toast(t("staffadmin.saved", { name: changed.display_name }), "success");
        }
      } else if (action === "reset-password") {
        const changed = await resetPassword({ member, base });
        if (changed) toast(t("staffadmin.password_done", { name: member.display_name }), "success");
      } else {
        const done = await toggleActive({ member, base, onError: (text) => toast(text, "error", 6000) });
        if (!done || !alive()) return;
        replace(done.member);
        toast(t(done.member.active ? "staffadmin.reactivated" : "staffadmin.deactivated", { name: member.display_name }), "success");
        if (!done.member.active && done.customers > 0) {  // offer the handover of the customers they looked after
          from.value = String(member.id);
          form.scrollIntoView({ behavior: "smooth", block: "start" });
          to.focus({ preventScroll: true });
        }
      }
    };

    const add = async () => {
      const made = await addStaff({ me, stores, storeId: storeFilter ? Number(storeFilter) : null, base });
      if (!made || !alive()) return;
      replace(made);
      toast(t("staffadmin.added", { name: made.display_name, username: made.username }), "success");
    };

    const form = h("form", {
      class: "card handover",
      onsubmit: async (event) => {
        event.preventDefault();
        clear(result);
        if (!from.value || !to.value) return (result.textContent = t("handover.pick_both"));
        if (from.value === to.value) return (result.textContent = t("handover.same"));
        const ok = await confirmDialog({
          title: t("handover.confirm_title"),
          body: t("handover.confirm_body", { from: name(from.value), to: name(to.value) }),
          ok: t("handover.confirm_ok"),
        });
        if (!ok) return;
        go.disabled = true;
        try {
          const done = await api.post("/api/v1/customers/handover", { from_clerk_id: Number(from.value), to_clerk_id: Number(to.value) });
          result.textContent = t("handover.done", { count: done.moved, from: name(from.value), to: name(to.value) });
          toast(result.textContent, "success");
        } catch (error) {
          result.textContent = error instanceof api.Unreachable ? t("net.needs_network") : error.problem?.detail;
        } finally {
          go.disabled = false;
        }
      },
    },
      h("h2", { class: "card-title" }, svg(icons.swap), t("handover.title")),
      h("p", { class: "muted" }, t("handover.lead")),
      h("div", { class: "grid-2" }, field(t("handover.from"), from, { name: "from_clerk_id" }), field(t("handover.to"), to, { name: "to_clerk_id" })),
      result,
      h("div", { class: "form-actions" }, go));

    const filter = admin ? h("label", { class: "staff-filter" }, h("span", { class: "field-label" }, t("staffadmin.store_filter")),
      h("select", { dataset: { input: "store-filter" }, onchange: (event) => { storeFilter = event.target.value; draw(); } },
        h("option", { value: "" }, t("staffadmin.all_stores")),
        stores.map((s) => h("option", { value: String(s.id) }, s.name)))) : null;

    draw();
    const columns = ["staff.name", "staff.employee_no", admin ? "staffadmin.role_store" : "staff.role", "staff.state", ""];
    return h("section", { class: "screen staff" },
      h("header", { class: "screen-head row" },
        h("div", {}, h("h1", {}, t("staff.title")), lead),
        h("span", { class: "spacer" }),
        h("button", { class: "btn btn-primary", type: "button", dataset: { action: "add-staff" }, onclick: add },
          svg(icons.staff), t(admin ? "staffadmin.add" : "staffadmin.add_clerk"))),
      filter ? h("div", { class: "row staff-toolbar" }, filter) : null,
      h("div", { class: "card table-card" },
        h("table", { class: "table staff-table", dataset: { staffTable: "" } },
          h("thead", {}, h("tr", {}, columns.map((key) => h("th", {}, key ? t(key) : "")))),
          body)),
      form);
  },
};
