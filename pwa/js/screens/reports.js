// Manager: the reports the server offers (GET /api/v1/reports), each as a table with totals and
// bar charts of its breakdowns, for a date range and a clerk; CSV and XLSX downloads.
// Reports added on the server appear here without a change to the app.

import * as api from "../api.js";
import { append, clear, field, h, svg } from "../dom.js";
import * as format from "../format.js";
import { lang, t, tOr } from "../i18n.js";
import { icons } from "../icons.js";

function cell(value, kind) {
  if (value === null || value === undefined || value === "") return "—";
  if (kind === "percent") return `${(Number(value) * 100).toFixed(1)}%`;
  if (kind === "fen") return format.money(value);
  if (kind === "number") return Number(value).toLocaleString(lang());
  return String(value);
}

function table(report) {
  const numeric = new Set(report.columns.filter((c) => c.kind !== "text" && c.kind !== "date").map((c) => c.key));
  const hasTotals = report.totals && Object.keys(report.totals).length > 0;
  return h("div", { class: "card table-card" },
    h("table", { class: "table report-table", dataset: { reportTable: report.name } },
      h("thead", {}, h("tr", {}, report.columns.map((c) => h("th", { class: numeric.has(c.key) ? "num" : "" }, c.label)))),
      h("tbody", {}, report.rows.length
        ? report.rows.map((row) => h("tr", {}, report.columns.map((c) =>
          h("td", { class: numeric.has(c.key) ? "num" : "" }, cell(row[c.key], c.kind)))))
        : h("tr", {}, h("td", { colSpan: report.columns.length, class: "muted" }, t("reports.no_rows")))),
      hasTotals ? h("tfoot", {}, h("tr", {}, report.columns.map((c, i) =>
        h("td", { class: numeric.has(c.key) ? "num" : "" },
          i === 0 && !(c.key in report.totals) ? t("reports.total") : cell(report.totals[c.key], c.kind))))) : null));
}

/** A breakdown as horizontal bars: the first text field labels a bar, the first number sizes it. */
function chart(name, items) {
  if (!items.length) return null;
  const labelKey = Object.keys(items[0]).find((k) => typeof items[0][k] === "string");
  const valueKey = Object.keys(items[0]).find((k) => typeof items[0][k] === "number");
  if (!labelKey || !valueKey) return null;
  const max = Math.max(1, ...items.map((item) => item[valueKey]));
  return h("section", { class: "card chart", dataset: { chart: name } },
    h("h2", { class: "card-title" }, tOr(`reports.breakdown.${name}`, name)),
    h("ul", { class: "bars" }, items.map((item) =>
      h("li", { class: "bar-row" },
        h("span", { class: "bar-label" }, item[labelKey]),
        h("span", { class: "bar-track" }, h("span", { class: "bar", style: { width: `${(item[valueKey] / max) * 100}%` } })),
        h("span", { class: "bar-value" }, Number(item[valueKey]).toLocaleString(lang()))))));
}

function isoDaysAgo(days) {
  return format.dayKey(new Date(Date.now() - days * 86400000));
}

export default {
  title: "reports.title",
  async render({ query, alive }) {
    let names;
    let team = [];
    try {
      [names, team] = await Promise.all([api.get("/api/v1/reports"), api.get("/api/v1/store-staff").catch(() => [])]);
    } catch (error) {
      return h("section", { class: "screen" }, h("p", { class: "notice notice-error" },
        error instanceof api.Unreachable ? t("net.needs_network") : error.problem?.detail));
    }
    if (!alive()) return h("div");
    const pick = h("select", { name: "report", dataset: { input: "report" } },
      names.map((name) => h("option", { value: name }, tOr(`reports.name.${name}`, name))));
    pick.value = names.includes(query.get("name")) ? query.get("name") : names[0] || "";
    const from = h("input", { type: "date", name: "from", value: isoDaysAgo(29), dataset: { input: "from" } });
    const to = h("input", { type: "date", name: "to", value: isoDaysAgo(0), dataset: { input: "to" } });
    const clerk = h("select", { name: "clerk", dataset: { input: "clerk" } }, h("option", { value: "" }, t("reports.all_clerks")),
      team.filter((m) => m.role === "clerk").map((m) => h("option", { value: String(m.id) }, m.display_name)));
    const output = h("div", { class: "report-output", dataset: { reportOutput: "" } });
    const downloads = h("div", { class: "row-actions" });

    const params = () => {
      const p = new URLSearchParams({ from: from.value, to: to.value });
      if (clerk.value) p.set("clerk", clerk.value);
      return p;
    };
    const load = async () => {
      if (!pick.value) return;
      clear(output).append(h("p", { class: "muted" }, t("reports.loading")));
      const path = `/api/v1/reports/${encodeURIComponent(pick.value)}`;
      try {
        const report = await api.get(`${path}?${params()}`);
        if (!alive()) return;
        history.replaceState(null, "", `#/reports?name=${encodeURIComponent(pick.value)}`);
        clear(downloads).append(
          h("a", { class: "btn", href: `${path}?${params()}&format=csv`, download: `${pick.value}.csv` }, svg(icons.import), "CSV"),
          h("a", { class: "btn", href: `${path}?${params()}&format=xlsx`, download: `${pick.value}.xlsx` }, svg(icons.import), "XLSX"));
        append(clear(output), [
          h("h2", { class: "report-title" }, report.title,
            h("small", { class: "muted" }, ` ${report.filters?.from || ""} – ${report.filters?.to || ""}`)),
          h("div", { class: "charts" }, Object.entries(report.breakdowns || {}).map(([name, items]) => chart(name, items))),
          table(report)]);
      } catch (error) {
        clear(output).append(h("p", { class: "notice notice-error" },
          error instanceof api.Unreachable ? t("net.needs_network") : error.problem?.detail));
      }
    };
    for (const control of [pick, from, to, clerk]) control.addEventListener("change", load);
    load();
    return h("section", { class: "screen reports" },
      h("header", { class: "screen-head" }, h("h1", {}, t("reports.title")), h("p", { class: "muted" }, t("reports.lead"))),
      h("div", { class: "card filters" },
        field(t("reports.report"), pick, { name: "report" }),
        field(t("reports.from"), from, { name: "from" }),
        field(t("reports.to"), to, { name: "to" }),
        field(t("reports.clerk"), clerk, { name: "clerk" }),
        downloads),
      output);
  },
};
