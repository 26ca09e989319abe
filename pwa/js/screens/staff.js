// Manager: the store's team, and handing a clerk's customers over to another clerk (客户交接).

import * as api from "../api.js";
import { clear, confirmDialog, field, h, svg, toast } from "../dom.js";
import { t } from "../i18n.js";
import { icons } from "../icons.js";

function staffRow(member) {
  return h("tr", { dataset: { staff: member.username } },
    h("td", {}, h("strong", {}, member.display_name)),
    h("td", {}, member.username),
    h("td", {}, member.employee_no || "—"),
    h("td", {}, t(`role.${member.role}`)),
    h("td", {}, h("span", { class: `pill ${member.active ? "pill-ok" : "pill-off"}` }, t(member.active ? "staff.active" : "staff.inactive"))));
}

function options(members, placeholder) {
  return [h("option", { value: "" }, placeholder),
    ...members.map((m) => h("option", { value: String(m.id) }, `${m.display_name}（${m.username}${m.active ? "" : ` · ${t("staff.inactive")}`}）`))];
}

export default {
  title: "staff.title",
  async render({ alive }) {
    let team;
    try {
      team = await api.get("/api/v1/store-staff");
    } catch (error) {
      const text = error instanceof api.Unreachable ? t("net.needs_network") : error.problem?.detail;
      return h("section", { class: "screen" }, h("p", { class: "notice notice-error" }, text));
    }
    if (!alive()) return h("div");
    const clerks = team.filter((m) => m.role === "clerk" || m.role === "manager");
    const from = h("select", { name: "from_clerk_id", dataset: { input: "from" } }, options(clerks, t("handover.pick_from")));
    const to = h("select", { name: "to_clerk_id", dataset: { input: "to" } }, options(clerks.filter((m) => m.active), t("handover.pick_to")));
    const result = h("p", { class: "form-message", role: "status", dataset: { handoverResult: "" } });
    const go = h("button", { class: "btn btn-primary btn-large", type: "submit", dataset: { action: "handover" } }, svg(icons.swap), t("handover.submit"));
    const name = (id) => team.find((m) => m.id === Number(id))?.display_name || id;

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

    return h("section", { class: "screen staff" },
      h("header", { class: "screen-head" }, h("h1", {}, t("staff.title")), h("p", { class: "muted" }, t("staff.lead", { count: team.length }))),
      h("div", { class: "card table-card" },
        h("table", { class: "table", dataset: { staffTable: "" } },
          h("thead", {}, h("tr", {}, ["staff.name", "staff.username", "staff.employee_no", "staff.role", "staff.state"].map((k) => h("th", {}, t(k))))),
          h("tbody", {}, team.map(staffRow)))),
      form);
  },
};
