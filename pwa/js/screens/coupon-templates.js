// Manager: the coupon templates the store issues from (its own and the chain's), with their stock, and
// deactivating or activating one (with a confirmation). Creating and editing are on coupon-template.js; the
// chain's templates open read only.

import * as api from "../api.js";
import * as text from "../coupon-text.js";
import { clear, confirmDialog, h, segmented, svg, toast } from "../dom.js";
import { t } from "../i18n.js";
import { icons } from "../icons.js";
import * as session from "../session.js";

export function ownTemplate(template) {
  const me = session.current();
  return me.role === "admin" || (template.store_id !== null && template.store_id === me.store_id);
}

function row(template, onToggle) {
  const own = ownTemplate(template);
  const toggle = own ? h("button", {
    class: template.active ? "btn btn-small btn-danger" : "btn btn-small", type: "button",
    dataset: { action: template.active ? "deactivate" : "activate" }, onclick: () => onToggle(template),
  }, t(template.active ? "template.deactivate" : "template.activate")) : null;
  return h("tr", { dataset: { template: String(template.id), active: String(template.active) } },
    h("td", {},
      h("strong", {}, text.name(template)),
      h("div", { class: "muted small" }, t(`template.category.${template.category}`), " · ", t(`template.purpose.${template.purpose}`),
        template.store_id === null ? ` · ${t("template.chain")}` : ""),
      h("span", { class: `pill pill-small ${template.active ? "pill-ok" : "pill-off"}` }, t(template.active ? "template.active" : "template.inactive"))),
    h("td", {}, text.value(template), template.min_spend_fen ? h("div", { class: "muted small" }, text.minSpend(template)) : null),
    h("td", {}, text.templateValidity(template), h("div", { class: "muted small" }, t(`template.scope.${template.scope}`))),
    h("td", { class: "num" }, text.stock(template),
      template.points_price ? h("div", { class: "muted small" }, t("points.price", { points: template.points_price })) : null),
    h("td", { class: "row-actions-cell" },
      own ? h("a", { class: "btn btn-small", href: `#/coupon-templates/${template.id}`, dataset: { action: "edit-template" } },
        svg(icons.edit), t("template.edit"))
        : h("a", { class: "btn btn-small", href: `#/coupon-templates/${template.id}`, dataset: { action: "view-template" },
                   title: t("template.chain_read_only") }, svg(icons.search), t("template.view")),
      toggle));
}

export default {
  title: "template.list_title",
  async render({ alive }) {
    const body = h("tbody", {});
    const status = h("p", { class: "muted", role: "status" });
    let filter = "active";
    let all = [];

    const draw = () => {
      const shown = all.filter((tpl) => filter === "all" || (filter === "active") === tpl.active);
      clear(body).append(...shown.map((tpl) => row(tpl, toggle)));
      status.textContent = shown.length ? t("template.count", { count: shown.length }) : t("template.none");
    };
    const load = async () => {
      try {
        all = await api.get("/api/v1/coupon-templates?limit=200");
      } catch (error) {
        status.textContent = error instanceof api.Unreachable ? t("net.needs_network") : error.problem?.detail;
        return;
      }
      if (alive()) draw();
    };
    const toggle = async (template) => {
      const deactivating = template.active;
      if (deactivating) {
        const ok = await confirmDialog({
          title: t("template.deactivate_title", { name: text.name(template) }),
          body: t("template.deactivate_body"), ok: t("template.deactivate"), danger: true,
        });
        if (!ok) return;
      }
      try {
        await api.patch(`/api/v1/coupon-templates/${template.id}`, { active: !deactivating });
        toast(t(deactivating ? "template.deactivated" : "template.activated", { name: text.name(template) }), "success");
        await load();
      } catch (error) {
        toast(error instanceof api.Unreachable ? t("net.needs_network") : error.problem?.detail, "error");
      }
    };
    await load();
    if (!alive()) return h("div");
    const filters = segmented("template-filter", [["active", t("template.filter_active")], ["inactive", t("template.filter_inactive")],
                                                  ["all", t("template.filter_all")]], filter, (value) => { filter = value; draw(); });
    return h("section", { class: "screen templates" },
      h("header", { class: "screen-head row" },
        h("div", {}, h("h1", {}, t("template.list_title")), h("p", { class: "muted" }, t("template.list_lead"))),
        h("span", { class: "spacer" }),
        h("a", { class: "btn btn-primary", href: "#/coupon-templates/new", dataset: { action: "new-template" } },
          svg(icons.coupon), t("template.new"))),
      h("div", { class: "row" }, filters, h("span", { class: "spacer" }), status),
      h("div", { class: "card table-card" },
        h("table", { class: "table", dataset: { templateTable: "" } },
          h("thead", {}, h("tr", {}, ["template.name", "template.value", "template.validity", "template.stock", ""]
            .map((key) => h("th", {}, key ? t(key) : "")))),
          body)));
  },
};
