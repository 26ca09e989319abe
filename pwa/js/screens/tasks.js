// Care tasks: today's calls for the clerk (their customers plus the store's pool), each with its script and
// one-tap outcomes. A manager sees the whole store's list and how each clerk is getting on.

import * as api from "../api.js";
import * as care from "../care-text.js";
import { pickDialog } from "../dialog.js";
import { clear, h, segmented, svg, toast } from "../dom.js";
import * as format from "../format.js";
import { t } from "../i18n.js";
import { icons } from "../icons.js";
import * as session from "../session.js";

function dueText(task, today) {
  if (task.status !== "open") return null;
  if (task.overdue) return h("span", { class: "pill pill-bad", dataset: { due: "overdue" } }, svg(icons.alert), t("tasks.overdue", { day: format.day(task.due_on) }));
  if (task.due_on === today) return h("span", { class: "pill pill-warn", dataset: { due: "today" } }, svg(icons.clock), t("tasks.due_today"));
  return h("span", { class: "pill", dataset: { due: "later" } }, t("tasks.due_on", { day: format.day(task.due_on) }));
}

function outcomeButtons(task, onTap) {
  return h("div", { class: "outcomes", role: "group", "aria-label": t("tasks.outcome_label") },
    care.OUTCOMES.map((outcome) => h("button", {
      class: `btn outcome outcome-${outcome}`, type: "button", dataset: { outcome },
      onclick: (event) => onTap(task, outcome, event.currentTarget),
    }, t(`tasks.outcome.${outcome}`))));
}

function doneLine(task, correct) {
  return h("div", { class: "task-done", dataset: { taskOutcome: task.outcome || "" } }, svg(icons.check),
    h("strong", {}, t(`tasks.outcome.${task.outcome}`)),
    task.outcome_at ? h("span", { class: "muted" }, ` · ${format.dateTime(task.outcome_at).slice(-5)}`) : null,
    correct ? h("button", { class: "btn btn-small task-correct", type: "button", dataset: { action: "correct-outcome" },
                            onclick: (event) => correct(task, event.currentTarget) }, t("tasks.correct")) : null);
}

// Whoever recorded an outcome may put a mis-tap right for a few minutes (the server says until when); the
// store's manager any time. The server decides: a late tap is refused with the reason.
function correctable(task, me, manager) {
  if (task.status !== "done" || !task.outcome) return false;
  if (manager) return true;
  return task.outcome_by === me.staff_id && Boolean(task.correct_until) && Date.now() < Date.parse(task.correct_until);
}

function completionTable(rows) {
  if (!rows.length) return h("p", { class: "muted" }, t("tasks.completion_none"));
  return h("table", { class: "table", dataset: { completionTable: "" } },
    h("thead", {}, h("tr", {}, ["tasks.clerk", "tasks.assigned", "tasks.done", "tasks.rate", "tasks.overdue_count", "tasks.outcomes"]
      .map((key) => h("th", { class: key === "tasks.clerk" || key === "tasks.outcomes" ? "" : "num" }, t(key))))),
    h("tbody", {}, rows.map((row) => h("tr", { dataset: { completion: row.clerk_id === null ? "pool" : String(row.clerk_id) } },
      h("td", {}, row.clerk_id === null ? t("tasks.pool") : row.clerk_name),
      h("td", { class: "num" }, String(row.assigned)),
      h("td", { class: "num" }, String(row.done)),
      h("td", { class: "num" }, row.assigned ? care.percent((100 * row.done) / row.assigned) : "—"),
      h("td", { class: `num ${row.overdue ? "text-bad" : ""}` }, String(row.overdue)),
      h("td", { class: "small" }, Object.entries(row.outcomes).map(([k, n]) => `${t(`tasks.outcome.${k}`)} ${n}`).join(" · ") || "—")))));
}

export default {
  title: "tasks.title",
  async render({ alive, onLeave }) {
    const me = session.current();
    const manager = session.isManager();
    const today = format.dayKey(new Date());
    const list = h("ul", { class: "task-list", dataset: { taskList: "" } });
    const summary = h("p", { class: "muted", role: "status", dataset: { taskSummary: "" } });
    const completion = h("div", { dataset: { completion: "" } });
    let tasks = [];
    let names = {};
    let filter = "open";

    const card = (task) => {
      const done = task.status !== "open";
      const who = task.pool ? h("span", { class: "pill pill-small", dataset: { pool: "" } }, t("tasks.pool"))
        : manager && task.clerk_id ? h("span", { class: "pill pill-small" }, names[task.clerk_id] || `#${task.clerk_id}`) : null;
      const item = h("li", { class: `card task ${done ? "is-done" : ""} ${task.overdue ? "is-overdue" : ""}`,
                             dataset: { task: String(task.id), status: task.status } },
        h("div", { class: "task-head" },
          h("a", { class: "task-customer", href: `#/customers/${task.customer_id}`, dataset: { action: "open-customer" } },
            h("div", { class: "avatar avatar-small", "aria-hidden": "true" }, (task.customer_name || "?").slice(0, 1)),
            h("span", { class: "task-who" }, h("strong", {}, task.customer_name || t("customer.no_name")),
              h("span", { class: "result-phone" }, task.phone_masked))),
          h("span", { class: "spacer" }),
          who, dueText(task, today), done ? null : callButton(task)),
        task.campaign_name ? h("p", { class: "muted small task-campaign" }, svg(icons.megaphone), task.campaign_name) : null,
        h("blockquote", { class: "script", dataset: { script: "" } }, task.script),
        done ? doneLine(task, correctable(task, me, manager) ? correct : null) : outcomeButtons(task, tap));
      return item;
    };

    // The card shows the number masked; a call fetches it (as the customer's page shows it) and dials.
    const callButton = (task) => h("button", {
      class: "btn btn-small", type: "button", dataset: { action: "call-customer" },
      onclick: async (event) => {
        const button = event.currentTarget;
        button.disabled = true;
        try {
          const customer = await api.get(`/api/v1/customers/${task.customer_id}`);
          window.location.href = `tel:${customer.phone}`;
        } catch (error) {
          toast(care.problem(error), "error", 6000);
        } finally {
          button.disabled = false;
        }
      },
    }, svg(icons.phone), t("tasks.call"));

    const draw = () => {
      const open = tasks.filter((x) => x.status === "open");
      const overdue = open.filter((x) => x.overdue).length;
      const shown = tasks.filter((x) => filter === "all" || (filter === "open") === (x.status === "open"));
      summary.textContent = t("tasks.summary", { open: open.length, overdue, done: tasks.length - open.length });
      clear(list).append(...shown.map(card));
      if (!shown.length) list.append(h("li", { class: "notice", dataset: { notice: "empty" } }, t(filter === "open" ? "tasks.none_open" : "tasks.none")));
    };

    const recount = () => {
      const open = tasks.filter((x) => x.status === "open");
      summary.textContent = t("tasks.summary", { open: open.length, overdue: open.filter((x) => x.overdue).length,
                                                done: tasks.length - open.length });
      if (manager) loadCompletion();
      window.dispatchEvent(new CustomEvent("tasks:changed"));
    };

    // An outcome is one per task and the same one sent again is harmless: a lost answer is retried as is. When
    // the task already has another outcome (recorded on another tablet), the card shows that one.
    async function tap(task, outcome, button) {
      const group = button.closest(".outcomes");
      const buttons = group.querySelectorAll("button");
      for (const b of buttons) b.disabled = true;
      button.classList.add("is-busy");
      group.parentElement.querySelector("[data-task-note]")?.remove();
      try {
        const saved = await api.post(`/api/v1/care/tasks/${task.id}/outcome`, { outcome });
        replace(saved);
        toast(t("tasks.recorded", { name: saved.customer_name || "", outcome: t(`tasks.outcome.${outcome}`) }), "success");
        recount();
      } catch (error) {
        if (error.status === 409 && error.problem?.task) {
          replace(error.problem.task);
          toast(care.problem(error), "error", 6000);
          recount();
          return;
        }
        for (const b of buttons) b.disabled = false;
        button.classList.remove("is-busy");
        if (!(error instanceof api.Unreachable)) return toast(care.problem(error), "error", 6000);
        group.before(h("p", { class: "notice notice-warn task-note", role: "status", dataset: { taskNote: "uncertain" } },
          t("tasks.outcome_uncertain", { outcome: t(`tasks.outcome.${outcome}`) }), " ",
          h("button", { class: "btn btn-small", type: "button", dataset: { action: "retry-outcome" },
                        onclick: () => tap(task, outcome, button) }, t("tasks.retry"))));
      }
    }

    const replace = (saved) => {
      tasks = tasks.map((x) => (x.id === saved.id ? saved : x));
      list.querySelector(`[data-task="${saved.id}"]`)?.replaceWith(card(saved));
    };

    async function correct(task, button) {
      const chosen = await pickDialog({
        name: "correct-outcome", title: t("tasks.correct_title"),
        lead: t("tasks.correct_lead", { name: task.customer_name || t("customer.no_name"), outcome: t(`tasks.outcome.${task.outcome}`) }),
        items: care.OUTCOMES.filter((o) => o !== task.outcome).map((o) => ({ id: o })),
        describe: (item) => ({ title: t(`tasks.outcome.${item.id}`) }),
      });
      if (!chosen) return;
      button.disabled = true;
      try {
        const saved = await api.post(`/api/v1/care/tasks/${task.id}/correction`, { outcome: chosen.id });
        replace(saved);
        toast(t("tasks.corrected", { name: saved.customer_name || "", outcome: t(`tasks.outcome.${saved.outcome}`) }), "success");
        if (manager) loadCompletion();
      } catch (error) {
        toast(care.problem(error), "error", 6000);
        button.disabled = false;
      }
    }

    async function loadCompletion() {
      try {
        // Tasks due in the last 30 days and the next 14: a task done before its due day counts too.
        const ahead = new Date(Date.now() + 14 * 86400000);
        const rows = await api.get(`/api/v1/care/tasks/completion?until=${format.dayKey(ahead)}`);
        if (alive()) clear(completion).append(completionTable(rows));
      } catch (error) {
        clear(completion).append(h("p", { class: "notice notice-error" }, care.problem(error)));
      }
    }

    const load = async () => {
      try {
        tasks = await api.get("/api/v1/care/tasks");
      } catch (error) {
        clear(list).append(h("li", { class: "notice notice-error" }, care.problem(error)));
        return;
      }
      if (alive()) draw();
    };
    if (manager && me.store_id) {
      try {
        names = Object.fromEntries((await api.get("/api/v1/store-staff")).map((m) => [m.id, m.display_name]));
      } catch {
        names = {};
      }
    }
    await load();
    if (manager) loadCompletion();
    if (!alive()) return h("div");
    const refresh = () => { if (document.visibilityState === "visible") load(); };
    document.addEventListener("visibilitychange", refresh);
    onLeave(() => document.removeEventListener("visibilitychange", refresh));

    const filters = segmented("task-filter", [["open", t("tasks.filter_open")], ["done", t("tasks.filter_done")], ["all", t("tasks.filter_all")]],
      filter, (value) => { filter = value; draw(); });
    return h("section", { class: "screen tasks" },
      h("header", { class: "screen-head row" },
        h("div", {}, h("h1", {}, t("tasks.title")), h("p", { class: "muted" }, t(manager ? "tasks.lead_manager" : "tasks.lead"))),
        h("span", { class: "spacer" }),
        h("button", { class: "btn", type: "button", dataset: { action: "refresh" }, onclick: load }, svg(icons.refresh), t("tasks.refresh"))),
      manager ? h("section", { class: "card table-card" },
        h("h2", { class: "card-title card-title-pad" }, svg(icons.chart), t("tasks.completion_title")),
        completion) : null,
      h("div", { class: "row" }, filters, h("span", { class: "spacer" }), summary),
      list);
  },
};
