// Manager: the reports the server offers (GET /api/v1/reports), each as a table with totals and
// bar charts of its breakdowns, for a date range and a clerk; CSV and XLSX downloads.
// Reports added on the server appear here without a change to the app. Only the answer to the latest choice is shown,
// and the downloads ask in the app's language (the browser's own may differ).
// Drill-down: a store row opens the same report per clerk of that store (the store ranking opens the
// store's clerk KPIs); a clerk row lists the customers behind the figures (GET .../{name}/customers).

import * as api from "../api.js";
import { append, clear, confirmDialog, field, h, svg, toast } from "../dom.js";
import * as format from "../format.js";
import { lang, t, tOr } from "../i18n.js";
import { icons } from "../icons.js";
import { newKey } from "../outbox.js";

// Reports whose figures are as of today whatever the range (the server's compute ignores it), and those as of the
// range's last day (its first day changes nothing).
const AS_OF_TODAY = new Set(["churn-risk", "rfm"]);
const AS_OF_END = new Set(["profiles"]);
// Scores out of 100 (a completeness is a percentage).
const OUT_OF_100 = new Set(["avg_completeness", "completeness"]);

function cell(value, kind, key = "") {
  if (value === null || value === undefined || value === "") return "—";
  if (kind === "percent") return `${(Number(value) * 100).toFixed(1)}%`;
  // the column's header already says yuan, as the CSV does: the amount alone
  if (kind === "fen") return (Number(value) / 100).toLocaleString(lang(), { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  if (kind === "number" && OUT_OF_100.has(key)) return `${Number(value).toLocaleString(lang())}%`;
  if (kind === "number") return Number(value).toLocaleString(lang());
  return String(value);
}

/** The first cell of a row, as a drill-down button or a link to the customer where the row offers one. */
function labelCell(report, row, column, drill) {
  const text = cell(row[column.key], column.kind, column.key);
  if (column.key === "customer" && row.customer_id) {
    return h("a", { href: `#/customers/${row.customer_id}`, dataset: { customerLink: String(row.customer_id) } }, text);
  }
  if (column.key === "store" && row.store_id && !("clerk_id" in row) && drill.store) {
    return h("button", { class: "link", type: "button", dataset: { drillStore: String(row.store_id) },
      onclick: () => drill.store(row.store_id, row.store) }, text);
  }
  if (column.key === "clerk" && row.clerk_id && report.filters?.drill && drill.clerk) {
    return h("button", { class: "link", type: "button", dataset: { drillClerk: String(row.clerk_id) },
      onclick: () => drill.clerk(row.clerk_id, row.clerk) }, text);
  }
  return text;
}

function table(report, drill = {}) {
  const numeric = new Set(report.columns.filter((c) => c.kind !== "text" && c.kind !== "date").map((c) => c.key));
  // the totals of a single row repeat it (a manager's one store)
  const hasTotals = report.rows.length > 1 && report.totals && Object.keys(report.totals).length > 0;
  return scrolling(h("div", { class: "card table-card" },
    h("table", { class: "table report-table", dataset: { reportTable: report.name } },
      h("thead", {}, h("tr", {}, report.columns.map((c) => h("th", { class: numeric.has(c.key) ? "num" : "" }, c.label)))),
      h("tbody", {}, report.rows.length
        ? report.rows.map((row) => h("tr", {}, report.columns.map((c) =>
          h("td", { class: numeric.has(c.key) ? "num" : "" },
            c.key === "store" || c.key === "clerk" || c.key === "customer" ? labelCell(report, row, c, drill) : cell(row[c.key], c.kind, c.key)))))
        : h("tr", {}, h("td", { colSpan: report.columns.length, class: "muted" }, t("reports.no_rows")))),
      hasTotals ? h("tfoot", {}, h("tr", {}, report.columns.map((c, i) =>
        h("td", { class: numeric.has(c.key) ? "num" : "" },
          i === 0 && !(c.key in report.totals) ? t("reports.total") : cell(report.totals[c.key], c.kind, c.key))))) : null)));
}

/** The table's card, with a line and edge shades while columns are scrolled out of sight (a tablet shows no scrollbar). */
function scrolling(card) {
  const hint = h("p", { class: "muted small scroll-hint", hidden: true, dataset: { scrollHint: "" } }, svg(icons.swap), t("reports.scroll_hint"));
  const box = h("div", { class: "scroller" }, card);
  const update = () => {
    const more = [card.scrollLeft > 1 ? "left" : "", card.scrollLeft + card.clientWidth < card.scrollWidth - 1 ? "right" : ""];
    box.dataset.more = more.join(" ").trim();
    hint.hidden = !box.dataset.more;
  };
  card.addEventListener("scroll", update, { passive: true });
  new ResizeObserver(update).observe(card);
  return [hint, box];
}

/** A breakdown as horizontal bars: the first text field labels a bar, the first number sizes it; shares read as
 * percentages, as in the table (a column of that name says so, and the retention curve's `share`). */
function chart(name, items, report) {
  if (!items.length) return null;
  const labelKey = Object.keys(items[0]).find((k) => typeof items[0][k] === "string");
  const valueKey = Object.keys(items[0]).find((k) => typeof items[0][k] === "number");
  if (!labelKey || !valueKey) return null;
  const percent = valueKey === "share" || report.columns.some((c) => c.key === valueKey && c.kind === "percent");
  if (items.length === 1 && !percent) return null;  // one bar always fills its track: the table says it better
  const max = Math.max(1, ...items.map((item) => item[valueKey]));  // a share's bar is its part of the whole track
  return h("section", { class: "card chart", dataset: { chart: name } },
    h("h2", { class: "card-title" }, tOr(`reports.breakdown.${name}`, name)),
    h("ul", { class: "bars" }, items.map((item) =>
      h("li", { class: "bar-row" },
        h("span", { class: "bar-label" }, item[labelKey]),
        h("span", { class: "bar-track" }, h("span", { class: "bar", style: { width: `${(item[valueKey] / max) * 100}%` } })),
        h("span", { class: "bar-value" }, cell(item[valueKey], percent ? "percent" : "number"))))));
}

/** The customers behind a report's figures, a page at a time, with a "more" button. */
function customerList(path, params, title) {
  const body = h("tbody");
  const more = h("button", { class: "btn", type: "button", dataset: { action: "more-customers" } }, t("reports.more"));
  const count = h("small", { class: "muted" });
  let offset = 0;
  const next = async () => {
    more.disabled = true;
    const p = new URLSearchParams(params);
    p.set("limit", "50");
    p.set("offset", String(offset));
    try {
      const page = await api.get(`${path}/customers?${p}`);
      append(body, page.items.map((c) => h("tr", { dataset: { drillCustomer: String(c.id) } },
        h("td", {}, h("a", { href: `#/customers/${c.id}` }, c.name || "—")),
        h("td", {}, c.phone_masked),
        h("td", { class: "num" }, cell(c.completeness, "number", "completeness")),
        h("td", {}, c.detail?.action || c.detail?.reason || ""))));
      offset += page.items.length;
      count.textContent = ` ${offset} / ${page.total}`;
      more.hidden = offset >= page.total;
    } catch (error) {
      append(body, [h("tr", {}, h("td", { colSpan: 4, class: "notice notice-error" },
        error instanceof api.Unreachable ? t("net.needs_network") : error.problem?.detail))]);
    }
    more.disabled = false;
  };
  more.addEventListener("click", next);
  next();
  return h("section", { class: "card table-card", dataset: { drillList: "" } },
    h("h2", { class: "card-title" }, t("reports.customers_of", { name: title }), count),
    h("table", { class: "table report-table" },
      h("thead", {}, h("tr", {}, [t("reports.customer"), t("reports.phone"), t("reports.completeness"), t("reports.note")]
        .map((label) => h("th", {}, label)))),
      body),
    h("div", { class: "row-actions" }, more));
}

/** Churn risk: the customers listed become clerk tasks with their suggested action (one key per click). */
function assignButton(report) {
  const ids = report.rows.map((row) => row.customer_id).filter(Boolean);
  if (!ids.length) return null;
  const button = h("button", { class: "btn btn-primary", type: "button", dataset: { action: "assign-churn" } },
    t("reports.assign", { count: ids.length }));
  button.addEventListener("click", async () => {
    const ok = await confirmDialog({ title: t("reports.assign_title", { count: ids.length }), body: t("reports.assign_body") });
    if (!ok) return;
    button.disabled = true;
    try {
      const done = await api.post("/api/v1/reports/churn-risk/assign", {
        customer_ids: ids, lapsed_days: report.filters?.lapsed_days ?? 90, contract_days: report.filters?.contract_days ?? 30,
      }, { headers: { "Idempotency-Key": newKey() } });
      toast(t("reports.assigned", { assigned: done.assigned.length, open: done.already_open.length }), "success");
      window.dispatchEvent(new CustomEvent("tasks:changed"));  // the navigation's task badge counts again
    } catch (error) {
      toast(error instanceof api.Unreachable ? t("net.needs_network") : error.problem?.detail, "error");
    }
    button.disabled = false;
  });
  return h("div", { class: "row-actions" }, button);
}

/** A download link that asks in the app's language: fetched with its Accept-Language, saved from a blob. The plain link
 * would follow the browser's language, which the server would answer in. */
function download(href, filename, label) {
  const link = h("a", { class: "btn", href, download: filename, dataset: { download: label.toLowerCase() } }, svg(icons.import), label);
  link.addEventListener("click", async (event) => {
    event.preventDefault();
    if (link.getAttribute("aria-busy")) return;
    link.setAttribute("aria-busy", "true");
    try {
      const response = await fetch(href, { credentials: "same-origin", headers: { "Accept-Language": lang() } });
      if (!response.ok) {
        const problem = await response.json().catch(() => ({}));
        throw new api.ApiError(response.status, { status: response.status, detail: response.statusText, ...problem });
      }
      const saved = h("a", { href: URL.createObjectURL(await response.blob()), download: filename });
      saved.click();
      setTimeout(() => URL.revokeObjectURL(saved.href), 10000);
    } catch (error) {
      toast(error instanceof api.ApiError ? error.problem?.detail : t("net.needs_network"), "error");
    }
    link.removeAttribute("aria-busy");
  });
  return link;
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
    const fromField = field(t("reports.from"), from, { name: "from" });
    const toField = field(t("reports.to"), to, { name: "to" });
    const asOfToday = h("p", { class: "muted small", hidden: true, dataset: { asOfToday: "" } }, t("reports.as_of_today"));
    const output = h("div", { class: "report-output", dataset: { reportOutput: "" } });
    const downloads = h("div", { class: "row-actions" });
    const scope = h("div", { class: "row-actions", dataset: { drillScope: "" } });
    let store = null; // { id, name } once a store row was opened

    const params = () => {
      const p = new URLSearchParams({ from: from.value, to: to.value });
      if (clerk.value) p.set("clerk", clerk.value);
      if (store) {
        p.set("store", String(store.id));
        if (pick.value !== "clerks" && pick.value !== "stores") p.set("group", "clerk");
      }
      return p;
    };
    const showScope = () => {
      clear(scope);
      if (store) {
        scope.append(h("button", { class: "chip", type: "button", dataset: { action: "leave-store" },
          onclick: () => { store = null; load(); } }, `${store.name} ✕`));
      }
    };
    const drill = {
      store: (id, name) => {
        store = { id, name };
        if (pick.value === "stores") pick.value = "clerks";
        load();
      },
      clerk: (id, name) => {
        output.querySelector("[data-drill-list]")?.remove();
        const p = params();
        p.set("clerk", String(id));
        p.delete("group");
        output.append(customerList(`/api/v1/reports/${encodeURIComponent(pick.value)}`, p, name));
      },
    };
    /** The date fields the chosen report reads: none, the last day only, or both. */
    const showRange = () => {
      const name = pick.value;
      fromField.hidden = AS_OF_TODAY.has(name) || AS_OF_END.has(name);
      toField.hidden = AS_OF_TODAY.has(name);
      toField.querySelector(".field-label").textContent = t(AS_OF_END.has(name) ? "reports.as_of" : "reports.to");
      asOfToday.hidden = !AS_OF_TODAY.has(name);
    };
    const period = (report) => {
      if (AS_OF_TODAY.has(report.name)) return "";
      if (AS_OF_END.has(report.name)) return ` ${t("reports.as_of_day", { day: report.filters?.to || "" })}`;
      return ` ${report.filters?.from || ""} – ${report.filters?.to || ""}`;
    };
    // Each choice asks again; only the answer to the latest one is shown, and the downloads are that one's.
    let latest = 0;
    const load = async () => {
      if (!pick.value) return;
      const asked = ++latest;
      const name = pick.value;
      const query = params();
      showScope();
      showRange();
      clear(downloads);
      output.setAttribute("aria-busy", "true");
      clear(output).append(h("p", { class: "muted", dataset: { reportLoading: "" } }, t("reports.loading")));
      const path = `/api/v1/reports/${encodeURIComponent(name)}`;
      let report;
      let failure;
      try {
        report = await api.get(`${path}?${query}`);
      } catch (error) {
        failure = error;
      }
      if (!alive() || asked !== latest) return;
      output.removeAttribute("aria-busy");
      if (failure) {
        clear(output).append(h("p", { class: "notice notice-error" },
          failure instanceof api.Unreachable ? t("net.needs_network") : failure.problem?.detail));
        return;
      }
      history.replaceState(null, "", `#/reports?name=${encodeURIComponent(name)}`);
      downloads.append(download(`${path}?${query}&format=csv`, `${name}.csv`, "CSV"),
        download(`${path}?${query}&format=xlsx`, `${name}.xlsx`, "XLSX"));
      const ranksOne = report.name === "stores" && report.rows.length < 2;  // a ranking of one store says nothing
      append(clear(output), [
        h("h2", { class: "report-title" }, report.title, h("small", { class: "muted" }, period(report))),
        ranksOne ? null : h("div", { class: "charts" },
          Object.entries(report.breakdowns || {}).map(([chartName, items]) => chart(chartName, items, report))),
        report.name === "churn-risk" ? assignButton(report) : null,
        table(report, drill)]);
    };
    for (const control of [pick, from, to, clerk]) control.addEventListener("change", load);
    load();
    return h("section", { class: "screen reports" },
      h("header", { class: "screen-head" }, h("h1", {}, t("reports.title")), h("p", { class: "muted" }, t("reports.lead"))),
      h("div", { class: "card filters" },
        field(t("reports.report"), pick, { name: "report" }),
        fromField, toField, asOfToday,
        field(t("reports.clerk"), clerk, { name: "clerk" }),
        downloads, scope),
      output);
  },
};
