// The outbox: what this tablet has not yet delivered, and what the server refused, to resolve.

import * as api from "../api.js";
import { clear, confirmDialog, h, svg, toast } from "../dom.js";
import { changedFields, conflictView, isConflict } from "../edit-conflict.js";
import * as existing from "../existing.js";
import * as format from "../format.js";
import { t } from "../i18n.js";
import { icons } from "../icons.js";
import * as network from "../network.js";
import * as outbox from "../outbox.js";
import { purchaseLine } from "../purchase-text.js";

function describe(entry) {
  const who = [entry.label?.name, format.maskPhone(entry.label?.phone || entry.body?.phone)].filter(Boolean).join(" · ");
  if (entry.kind === "customer.note") return [t("outbox.kind.customer.note"), who, `“${entry.body.text}”`];
  if (entry.kind === "customer.update") {
    return [t("outbox.kind.customer.update"), who, changedFields(entry.body).map((f) => t(`field.${f}`)).join(t("common.list_separator"))];
  }
  if (entry.kind === "purchase.record") return [t("outbox.kind.purchase.record"), who, purchaseLine(entry.body)];
  return [t(`outbox.kind.${entry.kind}`), who, ""];
}

export default {
  title: "outbox.title",
  render({ navigate, onLeave, alive }) {
    const list = h("ul", { class: "outbox-list", dataset: { outboxList: "" } });
    const summary = h("p", { class: "muted", role: "status" });

    const resolveButtons = (entry) => {
      if (isConflict(entry)) return [];  // the comparison under the entry holds the choices
      const buttons = [];
      if (entry.problem?.existingId && entry.kind === "customer.create") {
        const use = h("button", { class: "btn btn-primary", type: "button", dataset: { action: "use-existing" } },
          t("outbox.open_existing"));
        use.addEventListener("click", async () => {
          use.disabled = true;
          try {
            const found = await existing.lookUp(entry.problem.existingId);
            const id = found.inReach ? found.id : await existing.join(entry.body.phone, entry.body.consents || []);
            if (id === null) {  // the clerk closed the code dialog: the entry stays to resolve
              use.disabled = false;
              return;
            }
            const typed = found.inReach ? await existing.carryOver(found, entry.body) : [];
            await outbox.useExisting(entry.key, id);
            if (typed.length) {
              toast(t("outbox.not_carried", { fields: typed.map((f) => t(`field.${f}`)).join(t("common.list_separator")) }),
                    "warn", 8000);
            }
            navigate(`/customers/${id}`);
          } catch (error) {
            toast(error instanceof api.Unreachable ? t("net.needs_network") : error.problem?.detail || "", "error");
            use.disabled = false;
          }
        });
        buttons.push(use);
      }
      if (!entry.problem?.existingId) {
        buttons.push(h("button", { class: "btn", type: "button", dataset: { action: "retry" },
          onclick: () => outbox.retry(entry.key) }, t("outbox.retry")));
      }
      buttons.push(h("button", { class: "btn btn-danger", type: "button", dataset: { action: "discard" },
        onclick: async () => {
          const dependants = entry.kind === "customer.create" ? (await outbox.about(entry.local)).length - 1 : 0;
          const ok = await confirmDialog({
            title: t("outbox.discard_title"),
            body: dependants ? t("outbox.discard_with", { count: dependants }) : t("outbox.discard_body"),
            ok: t("outbox.discard"), danger: true,
          });
          if (ok) {
            await outbox.discard(entry.key);
            toast(t("outbox.discarded"));
          }
        } }, t("outbox.discard")));
      return buttons;
    };

    const draw = async () => {
      const entries = await outbox.list();
      if (!alive()) return;
      const refused = entries.filter((e) => e.state === "refused");
      const others = await outbox.othersCount();
      summary.textContent = !entries.length ? t("outbox.empty")
        : refused.length ? t("outbox.summary", { count: entries.length, refused: refused.length })
          : t("outbox.summary_pending", { count: entries.length });
      if (others) summary.textContent += ` ${t("outbox.others", { count: others })}`;
      clear(list).append(...entries.map((entry) => {
        const [kind, who, what] = describe(entry);
        const isRefused = entry.state === "refused";
        return h("li", { class: `card outbox-item ${isRefused ? "is-refused" : ""}`, dataset: { entry: entry.key, state: entry.state, kind: entry.kind } },
          h("div", { class: "outbox-icon" }, svg(isRefused ? icons.alert : icons.outbox)),
          h("div", { class: "outbox-text" },
            h("strong", {}, kind), who ? h("span", {}, who) : null, what ? h("span", { class: "muted" }, what) : null,
            h("small", { class: "muted" }, t("outbox.queued_at", { time: format.dateTime(new Date(entry.createdAt).toISOString()) }),
              entry.attempts ? ` · ${t("outbox.attempts", { count: entry.attempts })}` : ""),
            isRefused ? h("p", { class: "problem", dataset: { problem: entry.problem?.code || "" } }, entry.problem?.detail || "") : null,
            !isRefused && entry.problem ? h("p", { class: "muted small" }, entry.problem.detail) : null,
            isConflict(entry) ? conflictView(entry) : null),
          isRefused ? h("div", { class: "outbox-actions" }, resolveButtons(entry))
                    : h("span", { class: "pill pill-warn" }, t("outbox.state_pending")));
      }));
    };
    window.addEventListener("outbox:changed", draw);
    onLeave(() => window.removeEventListener("outbox:changed", draw));
    draw();
    return h("section", { class: "screen outbox" },
      h("header", { class: "screen-head row" },
        h("div", {}, h("h1", {}, t("outbox.title")), h("p", { class: "muted" }, t("outbox.lead"))),
        h("span", { class: "spacer" }),
        h("button", { class: "btn btn-primary", type: "button", dataset: { action: "send-now" },
          onclick: () => (network.isOnline() ? outbox.replay() : toast(t("net.needs_network"), "error")) },
          svg(icons.outbox), t("outbox.send_now"))),
      summary,
      list);
  },
};
