// Edit a profile: only the fields that changed are sent, through the outbox (works offline), each with the
// value the clerk saw, so that a colleague's change made since is not written over unseen (the server refuses
// it, and the clerk chooses theirs or mine).

import * as api from "../api.js";
import { completeness } from "../completeness.js";
import { field, h, showFieldError, svg, toast } from "../dom.js";
import { CODE as CHANGED_MEANWHILE, changedFields, conflictView, expectedOf } from "../edit-conflict.js";
import { t } from "../i18n.js";
import { icons } from "../icons.js";
import * as network from "../network.js";
import * as outbox from "../outbox.js";
import { changes, check, normalisePhone, profileForm } from "../profile-form.js";
import * as recent from "../recent.js";

const WAIT_FOR_SERVER_MS = 8000;

async function current(id) {
  if (id.startsWith("local:")) {
    const about = await outbox.about(id);
    const create = about.find((e) => e.kind === "customer.create");
    if (!create) return null;
    return Object.assign({}, create.body, ...about.filter((e) => e.kind === "customer.update").map((e) => e.body));
  }
  let customer;
  try {
    customer = await api.get(`/api/v1/customers/${id}`);
    recent.remember(customer);
  } catch (error) {
    if (!(error instanceof api.Unreachable)) throw error;
    customer = recent.recall(id)?.customer || null;
  }
  return customer && withPending(customer, id);
}

/** The profile as the clerk's own changes still waiting to be sent will leave it (they go first). */
async function withPending(customer, id) {
  const waiting = (await outbox.about(Number(id))).filter((e) => e.kind === "customer.update" && e.state === "pending");
  const sets = waiting.map((e) => Object.fromEntries(changedFields(e.body).map((name) => [name, e.body[name]])));
  return Object.assign({}, customer, ...sets);
}

export default {
  title: "edit.title",
  async render({ params, navigate, alive }) {
    const id = params.id;
    const local = id.startsWith("local:");
    let before;
    try {
      before = await current(id);
    } catch (error) {
      return h("section", { class: "screen" }, h("p", { class: "notice notice-error" }, error.problem?.detail || t("error.screen")));
    }
    if (!before) {
      return h("section", { class: "screen" }, h("p", { class: "notice notice-warn" }, t("customer.offline_unknown")));
    }
    const score = h("strong", { dataset: { completeness: "" } });
    const form = profileForm(before, { onChange: () => { score.textContent = `${completeness(form.values())}%`; } });
    score.textContent = `${completeness(form.values())}%`;
    const phone = h("input", { name: "phone", type: "tel", inputMode: "tel", value: before.phone || "", dataset: { input: "phone" } });
    const message = h("p", { class: "form-message", role: "alert", dataset: { message: "" } });
    const conflictSlot = h("div", { dataset: { conflictSlot: "" } });
    const save = h("button", { class: "btn btn-primary btn-large", type: "submit", dataset: { action: "save" } }, svg(icons.check), t("edit.save"));

    const page = h("form", {
      class: "screen edit",
      novalidate: true,
      onsubmit: async (event) => {
        event.preventDefault();
        const after = form.values();
        const problem = check(after);
        if (problem) {
          showFieldError(page, problem);
          return;
        }
        const normalised = normalisePhone(phone.value);
        if (!normalised) {
          showFieldError(page, { field: "phone", detail: t("capture.phone_invalid") });
          return;
        }
        if (normalised !== before.phone) after.phone = normalised;
        const diff = changes(before, after);
        if (!Object.keys(diff).length) {
          navigate(`/customers/${id}`);
          return;
        }
        const key = outbox.newKey();
        save.disabled = true;
        const waiting = outbox.outcome(key, network.isOnline() && !local ? WAIT_FOR_SERVER_MS : 0);
        await outbox.submit({ key, kind: "customer.update", method: "PATCH", path: "/api/v1/customers/{customer}",
                              ref: local ? id : Number(id), body: local ? diff : { ...diff, expected: expectedOf(before, diff) },
                              label: { name: after.name || before.name || "", phone: before.phone || "" } });
        const result = await waiting;
        if (!alive()) return;
        if (result?.type === "outbox:sent") {
          toast(t("edit.saved"), "success");
          navigate(`/customers/${id}`, { replace: true });
        } else if (result?.type === "outbox:refused" && result.problem?.code === CHANGED_MEANWHILE) {
          // kept in the outbox until the clerk chooses (here, or later there)
          const entry = await outbox.byKey(key);
          if (!alive() || !entry) return;
          message.textContent = result.problem.detail;
          conflictSlot.replaceChildren(conflictView(entry, { onDone: () => navigate(`/customers/${id}`, { replace: true }) }));
        } else if (result?.type === "outbox:refused") {
          await outbox.discard(key);
          save.disabled = false;
          if (!showFieldError(page, result.problem)) message.textContent = result.problem.detail;
        } else {
          toast(t("edit.saved_offline"), "warn", 5000);
          navigate(`/customers/${id}`, { replace: true });
        }
      },
    },
      h("header", { class: "screen-head row" },
        h("a", { class: "btn btn-quiet", href: `#/customers/${id}` }, svg(icons.back), t("common.back")),
        h("h1", {}, t("edit.title")),
        h("span", { class: "spacer" }),
        h("span", { class: "pill" }, t("capture.completeness"), " ", score)),
      h("div", { class: "card" },
        field(t("field.phone"), phone, { name: "phone" }),
        form,
        message,
        conflictSlot,
        h("div", { class: "form-actions" },
          h("a", { class: "btn", href: `#/customers/${id}` }, t("common.cancel")),
          save)));
    return page;
  },
};
