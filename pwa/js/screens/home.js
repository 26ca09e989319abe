// Home: the quick actions a clerk needs with a customer waiting, and today's numbers.

import * as api from "../api.js";
import { clear, h, svg } from "../dom.js";
import * as format from "../format.js";
import { t } from "../i18n.js";
import { icons } from "../icons.js";
import * as network from "../network.js";
import * as outbox from "../outbox.js";
import * as session from "../session.js";

const PAGE = 200;
const MAX_PAGES = 10;

/** Customers created today in the caller's reach, newest first (the list is ordered by id). */
async function capturedToday() {
  const today = format.dayKey(new Date());
  const found = [];
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const result = await api.get(`/api/v1/customers?limit=${PAGE}&offset=${page * PAGE}`);
    const todays = result.items.filter((c) => format.dayKey(c.created_at) === today);
    found.push(...todays);
    if (todays.length < result.items.length || !result.has_more) break;
  }
  return found;
}

function stat(name, value, label, href) {
  return h(href ? "a" : "div", { class: `stat card ${href ? "stat-link" : ""}`, href, dataset: { stat: name } },
    h("strong", { class: "stat-value" }, value), h("span", {}, label));
}

/** Today's open care tasks (the clerk's own and the store's pool) and how many of them are overdue. */
async function openTasks() {
  const tasks = await api.get("/api/v1/care/tasks");
  const open = tasks.filter((task) => task.status === "open");
  return { open: open.length, overdue: open.filter((task) => task.overdue).length };
}

function action(href, icon, title, text, name, primary) {
  return h("a", { class: `action card ${primary ? "action-primary" : ""}`, href, dataset: { quick: name } },
    svg(icons[icon]), h("span", { class: "action-text" }, h("strong", {}, title), h("small", {}, text)));
}

export default {
  title: "home.title",
  render({ navigate, alive }) {
    const me = session.current();
    const stats = h("div", { class: "stats stats-home", dataset: { stats: "" } });
    const todayList = h("ul", { class: "results" });
    const quickSearch = h("input", { class: "input-search", type: "search", inputMode: "numeric", name: "quick-q",
                                     placeholder: t("home.search_placeholder"), dataset: { input: "quick-q" } });
    const fill = async () => {
      const waiting = await outbox.list();
      const refused = waiting.filter((e) => e.state === "refused").length;
      const items = [stat("outbox", String(waiting.length), refused ? t("home.outbox_refused", { refused }) : t("home.outbox"))];
      let today = null;
      let tasks = null;
      if (network.isOnline()) {
        [today, tasks] = await Promise.all([capturedToday().catch(() => null), openTasks().catch(() => null)]);
      }
      if (!alive()) return;
      const mine = today ? today.filter((c) => c.responsible_clerk_id === me.staff_id).length : null;
      clear(stats).append(
        stat("captured-today", today ? String(today.length) : "—", t("home.captured_today")),
        stat("mine-today", mine === null ? "—" : String(mine), t("home.mine_today")),
        stat("tasks-today", tasks ? String(tasks.open) : "—",
             tasks?.overdue ? t("home.tasks_overdue", { overdue: tasks.overdue }) : t("home.tasks_today"), "#/tasks"),
        ...items);
      clear(todayList).append(...(today || []).slice(0, 6).map((c) =>
        h("li", {}, h("a", { class: "result", href: `#/customers/${c.id}` },
          h("div", { class: "avatar avatar-small", "aria-hidden": "true" }, (c.name || "?").slice(0, 1)),
          h("div", { class: "result-main" }, h("strong", {}, c.name || t("customer.no_name")),
            h("span", { class: "result-phone" }, c.phone_masked)),
          h("small", { class: "muted" }, format.dateTime(c.created_at).slice(-5))))));
      if (!today) todayList.append(h("li", { class: "muted small" }, t(network.isOnline() ? "home.none_today" : "home.offline_counts")));
      else if (!today.length) todayList.append(h("li", { class: "muted small" }, t("home.none_today")));
    };
    fill();
    return h("section", { class: "screen home" },
      h("header", { class: "screen-head" },
        h("h1", {}, t("home.greeting", { name: me.display_name })),
        h("p", { class: "muted" }, me.store_name || "")),
      h("div", { class: "actions" },
        action("#/capture", "capture", t("home.capture"), t("home.capture_text"), "capture", true),
        action("#/redeem", "scan", t("home.redeem"), t("home.redeem_text"), "redeem", false),
        me.store_id ? action("#/counter", "qr", t("home.counter"), t("home.counter_text"), "counter", false) : null,
        h("form", { class: "action card action-search action-wide", dataset: { quick: "search" },
                    onsubmit: (e) => { e.preventDefault(); navigate(`/customers?q=${encodeURIComponent(quickSearch.value.trim())}`); } },
          svg(icons.search),
          h("span", { class: "action-text" }, h("strong", {}, t("home.search")), quickSearch))),
      stats,
      h("section", { class: "card" }, h("h2", { class: "card-title" }, t("home.today_list")), todayList),
      h("p", { class: "muted small modules-note" }, t("home.modules_note")));
  },
};
