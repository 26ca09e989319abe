// Search: by full phone, last four digits, name or tag. Lists show masked phones.

import * as api from "../api.js";
import { clear, h, svg } from "../dom.js";
import { t } from "../i18n.js";
import { icons } from "../icons.js";
import * as network from "../network.js";
import * as outbox from "../outbox.js";

const PAGE = 30;
const DEBOUNCE_MS = 250;

function resultItem(c) {
  return h("li", {},
    h("a", { class: "result", href: `#/customers/${c.id}`, dataset: { result: String(c.id) } },
      h("div", { class: "avatar avatar-small", "aria-hidden": "true" }, (c.name || "?").slice(0, 1)),
      h("div", { class: "result-main" },
        h("strong", {}, c.name || t("customer.no_name")),
        h("span", { class: "result-phone" }, c.phone_masked),
        h("span", { class: "tags" }, (c.tags || []).slice(0, 4).map((tag) => h("span", { class: "chip chip-small" }, tag)))),
      h("div", { class: "result-score", title: t("capture.completeness") },
        h("div", { class: "meter meter-small" }, h("span", { style: { width: `${c.completeness}%` } })),
        h("small", { class: "muted" }, `${c.completeness}%`))));
}

function localItem(entry) {
  const phone = entry.body.phone || "";
  return h("li", {},
    h("a", { class: "result result-local", href: `#/customers/${entry.local}`, dataset: { result: entry.local } },
      h("div", { class: "avatar avatar-small", "aria-hidden": "true" }, svg(icons.outbox)),
      h("div", { class: "result-main" },
        h("strong", {}, entry.body.name || t("customer.no_name")),
        h("span", { class: "result-phone" }, `${phone.slice(0, 3)}****${phone.slice(-4)}`),
        h("span", { class: "chip chip-small chip-warn" }, t(entry.state === "refused" ? "outbox.state_refused" : "outbox.state_pending")))));
}

function localMatches(entries, q) {
  const text = q.trim();
  return entries.filter((e) => e.kind === "customer.create").filter((e) => {
    const b = e.body;
    if (!text) return true;
    if (/^\d{4}$/.test(text)) return (b.phone || "").endsWith(text);
    if (/^\d{11}$/.test(text)) return b.phone === text;
    return (b.name || "").startsWith(text) || (b.tags || []).includes(text);
  });
}

export default {
  title: "search.title",
  render({ query, onLeave, alive }) {
    let timer = null;
    let serial = 0;
    let offset = 0;
    const input = h("input", { class: "input-search", type: "search", name: "q", inputMode: "search", autocomplete: "off",
                               placeholder: t("search.placeholder"), value: query.get("q") || "", dataset: { input: "q" } });
    const status = h("p", { class: "muted", role: "status", dataset: { searchStatus: "" } });
    const list = h("ul", { class: "results", dataset: { results: "" } });
    const localList = h("ul", { class: "results" });
    const more = h("button", { class: "btn btn-block", type: "button", hidden: true, dataset: { action: "more" } }, t("common.more"));

    const run = async (reset) => {
      const mine = ++serial;
      const q = input.value.trim();
      history.replaceState(null, "", q ? `#/customers?q=${encodeURIComponent(q)}` : "#/customers");
      const pending = localMatches(await outbox.list(), q);
      if (mine !== serial || !alive()) return;
      clear(localList).append(...pending.map(localItem));
      if (reset) offset = 0;
      if (!network.isOnline()) {
        clear(list);
        more.hidden = true;
        status.textContent = t("search.offline");
        return;
      }
      status.textContent = t("search.searching");
      try {
        const page = await api.get(`/api/v1/customers?q=${encodeURIComponent(q)}&limit=${PAGE}&offset=${offset}`);
        if (mine !== serial || !alive()) return;
        if (reset) clear(list);
        list.append(...page.items.map(resultItem));
        offset += page.items.length;
        more.hidden = !page.has_more;
        const shown = list.children.length;
        status.textContent = shown ? (q ? t("search.found", { count: shown, more: page.has_more ? "+" : "" }) : t("search.recent"))
                                   : t("search.none");
      } catch (error) {
        if (mine !== serial) return;
        status.textContent = error instanceof api.Unreachable ? t("search.offline") : error.problem?.detail || "";
      }
    };
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(() => run(true), DEBOUNCE_MS);
    });
    more.addEventListener("click", () => run(false));
    const again = () => run(true);
    window.addEventListener("network:changed", again);
    onLeave(() => { clearTimeout(timer); window.removeEventListener("network:changed", again); });
    run(true);
    setTimeout(() => input.focus(), 0);
    return h("section", { class: "screen search" },
      h("header", { class: "screen-head" }, h("h1", {}, t("search.title"))),
      h("form", { class: "search-bar", role: "search", onsubmit: (e) => { e.preventDefault(); clearTimeout(timer); run(true); } },
        svg(icons.search), input),
      h("p", { class: "muted small" }, t("search.hint")),
      localList,
      status,
      list,
      more);
  },
};
