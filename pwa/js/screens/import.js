// Manager: import customers from a billing-system export. A dry run first (nothing written),
// its per-row errors in a table, then the real run of the same file.

import * as api from "../api.js";
import { append, clear, confirmDialog, h, svg, toast } from "../dom.js";
import { t } from "../i18n.js";
import { icons } from "../icons.js";

const POLL_MS = 500;

function counts(job) {
  return h("div", { class: "stats stats-small", dataset: { importCounts: job.dry_run ? "dry" : "real" } },
    ["total", "created", "updated", "unchanged", "failed"].map((name) =>
      h("div", { class: `stat card ${name === "failed" && job[name] ? "stat-bad" : ""}`, dataset: { stat: name } },
        h("strong", { class: "stat-value" }, String(job[name])), h("span", {}, t(`import.count_${name}`)))));
}

// rows shown of a long error list (the first ones; fixing those usually shows the pattern of the rest)
const ROWS_SHOWN = 300;

function errorTable(errors) {
  if (!errors.length) return h("p", { class: "notice notice-ok", dataset: { importErrors: "0" } }, svg(icons.check), t("import.no_errors"));
  const shown = errors.slice(0, ROWS_SHOWN);
  return h("div", { class: "table-card card" },
    h("table", { class: "table", dataset: { importErrors: String(errors.length) } },
      h("thead", {}, h("tr", {}, h("th", { class: "nowrap" }, t("import.row")), h("th", {}, t("import.column")), h("th", {}, t("import.problem")))),
      h("tbody", {}, shown.map((e) => h("tr", {}, h("td", {}, e.row ? String(e.row) : "—"), h("td", {}, e.column || "—"), h("td", {}, e.message))))),
    errors.length > shown.length ? h("p", { class: "muted small", dataset: { importMore: "" } },
      t("import.more_errors", { shown: shown.length, total: errors.length })) : null);
}

/** Columns the file has that the import does not read: said once, above the rows' errors. */
function warningList(warnings) {
  if (!warnings.length) return null;
  return h("div", { class: "notice", dataset: { importWarnings: String(warnings.length) } },
    h("p", {}, t("import.columns_ignored")), h("ul", {}, warnings.map((w) => h("li", {}, w.message))));
}

/** What a finished job says: a file that could not be read is one message, not a table of zeros. */
function result(finished, dryRun) {
  const errors = (finished.errors || []).filter((e) => !e.warning);
  if (finished.status === "failed") {
    return [h("h2", {}, t(dryRun ? "import.dry_result" : "import.real_result")),
      h("div", { class: "notice notice-error", dataset: { importFailed: "" } },
        h("p", {}, t("import.failed")), errors.map((e) => h("p", {}, e.message)))];
  }
  return [h("h2", {}, t(dryRun ? "import.dry_result" : "import.real_result")), counts(finished),
    warningList((finished.errors || []).filter((e) => e.warning)), errorTable(errors)];
}

export default {
  title: "import.title",
  render({ onLeave, alive }) {
    let file = null;
    let timer = null;
    let dryDone = false;
    const picker = h("input", { type: "file", name: "file", accept: ".csv,.xlsx,.txt,text/csv,text/plain,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                                dataset: { input: "file" } });
    const fileName = h("span", { class: "muted" }, t("import.no_file"));
    const dryButton = h("button", { class: "btn btn-primary btn-large", type: "button", disabled: true, dataset: { action: "dry-run" } },
      t("import.dry_run"));
    const realButton = h("button", { class: "btn btn-large", type: "button", disabled: true, dataset: { action: "real-run" } },
      t("import.real_run"));
    const progress = h("div", { class: "progress", hidden: true, dataset: { importProgress: "" } });
    const output = h("div", { class: "import-output" });

    const showProgress = (job) => {
      const pct = job.total ? Math.round((job.processed / job.total) * 100) : job.status === "running" ? 0 : 100;
      progress.hidden = false;
      clear(progress).append(
        h("div", { class: "meter-head" },
          h("span", {}, t(job.dry_run ? "import.checking" : "import.importing")),
          h("strong", {}, t("import.progress", { processed: job.processed, total: job.total || "?" }))),
        h("div", { class: "meter meter-large", role: "progressbar", "aria-valuenow": pct, "aria-valuemin": 0, "aria-valuemax": 100 },
          h("span", { style: { width: `${pct}%` } })));
    };

    const follow = (id) => new Promise((resolve, reject) => {
      const tick = async () => {
        try {
          const job = await api.get(`/api/v1/imports/${id}`);
          if (!alive()) return;
          showProgress(job);
          if (job.status === "running") timer = setTimeout(tick, POLL_MS);
          else resolve(job);
        } catch (error) {
          reject(error);
        }
      };
      tick();
    });

    const start = async (dryRun) => {
      dryButton.disabled = realButton.disabled = true;
      clear(output);
      const form = new FormData();
      form.append("file", file, file.name);
      try {
        const job = await api.request("POST", `/api/v1/imports/customers?dry_run=${dryRun}`, { form, timeout: 120000 });
        showProgress(job);
        const finished = await follow(job.id);
        if (!alive()) return;
        progress.hidden = finished.status === "failed";
        append(clear(output), result(finished, dryRun));
        if (dryRun && finished.status === "done") {
          dryDone = true;
          output.append(h("p", { class: "muted" }, t(finished.failed ? "import.real_hint_failed" : "import.real_hint", { failed: finished.failed })));
        }
        if (!dryRun) toast(t("import.finished", { created: finished.created, updated: finished.updated }), "success");
      } catch (error) {
        output.append(h("p", { class: "notice notice-error" }, error instanceof api.Unreachable ? t("net.needs_network") : error.problem?.detail));
      } finally {
        dryButton.disabled = !file;
        realButton.disabled = !(file && dryDone);
      }
    };

    picker.addEventListener("change", () => {
      file = picker.files[0] || null;
      dryDone = false;
      fileName.textContent = file ? `${file.name}（${Math.ceil(file.size / 1024)} KB）` : t("import.no_file");
      dryButton.disabled = !file;
      realButton.disabled = true;
      progress.hidden = true;
      clear(output);
    });
    dryButton.addEventListener("click", () => start(true));
    realButton.addEventListener("click", async () => {
      if (await confirmDialog({ title: t("import.confirm_title"), body: t("import.confirm_body", { name: file.name }), ok: t("import.real_run") })) {
        start(false);
      }
    });
    onLeave(() => clearTimeout(timer));

    return h("section", { class: "screen import" },
      h("header", { class: "screen-head" }, h("h1", {}, t("import.title")), h("p", { class: "muted" }, t("import.lead"))),
      h("div", { class: "card" },
        h("ol", { class: "steps" },
          h("li", {}, h("label", { class: "file-pick" }, svg(icons.import), h("span", {}, t("import.choose")), picker), fileName),
          h("li", {}, dryButton, h("span", { class: "muted small" }, t("import.dry_run_hint"))),
          h("li", {}, realButton, h("span", { class: "muted small" }, t("import.real_run_hint")))),
        progress),
      output);
  },
};
