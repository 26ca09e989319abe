// Capture (建档): phone first, matched against existing customers as soon as it is complete;
// then a short profile with consent. Saved through the outbox, so a Wi-Fi drop loses nothing.

import * as api from "../api.js";
import * as existing from "../existing.js";
import { completeness, missing } from "../completeness.js";
import { clear, field, h, showFieldError, svg, toast } from "../dom.js";
import { t } from "../i18n.js";
import { icons } from "../icons.js";
import * as network from "../network.js";
import * as outbox from "../outbox.js";
import { check, normalisePhone, profileForm } from "../profile-form.js";
import { NOTICE_VERSION } from "../config.js";
import * as session from "../session.js";

const WAIT_FOR_SERVER_MS = 8000;

function existingCard(id, text, navigate, carry = null) {
  const open = async () => {
    if (carry) {  // a capture that met an existing customer: the consents given are recorded on them
      const typed = await existing.carryOver(carry.found, carry.body).catch(() => []);
      if (typed.length) {
        toast(t("outbox.not_carried", { fields: typed.map((f) => t(`field.${f}`)).join(t("common.list_separator")) }),
              "warn", 8000);
      }
    }
    navigate(`/customers/${id}`);
  };
  return h("div", { class: "match card", dataset: { match: String(id) } },
    h("div", { class: "match-text" }, h("strong", {}, t("capture.already_customer")), h("span", {}, text)),
    h("button", { class: "btn btn-primary btn-large", type: "button", dataset: { action: "open-existing" },
                  onclick: open }, t("capture.open_customer")));
}

/** Another store's customer is at the counter: offer to make them this store's customer too. */
function otherStoreCard(phone, consents, navigate) {
  const button = h("button", { class: "btn btn-primary btn-large", type: "button", dataset: { action: "join-store" } },
    t("capture.join_store"));
  const problem = h("span", { class: "field-error" });
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      const id = await existing.join(phone, consents);
      if (id !== null) navigate(`/customers/${id}`, { replace: true });
      else button.disabled = false;  // the clerk closed the code dialog
    } catch (error) {
      problem.textContent = error instanceof api.Unreachable ? t("net.needs_network") : error.problem?.detail || "";
      button.disabled = false;
    }
  });
  return h("div", { class: "match card", dataset: { match: "other-store" } },
    h("div", { class: "match-text" }, h("strong", {}, t("capture.other_store_customer")),
      h("span", {}, t("capture.other_store_explain")), problem),
    button);
}

function meter(score, todo) {
  return h("div", { class: "meter-box", dataset: { completeness: String(score) } },
    h("div", { class: "meter-head" }, h("span", {}, t("capture.completeness")), h("strong", {}, `${score}%`)),
    h("div", { class: "meter", role: "progressbar", "aria-valuemin": 0, "aria-valuemax": 100, "aria-valuenow": score },
      h("span", { style: { width: `${score}%` } })),
    todo.length ? h("p", { class: "muted small" }, t("capture.ask_next", { fields: todo.slice(0, 3).map((f) => t(`field.${f}`)).join(t("common.list_separator")) })) : null);
}

export default {
  title: "capture.title",
  render({ navigate, onLeave, alive }) {
    let lookup = 0;
    let phone = null;
    const phoneInput = h("input", { class: "input-phone", name: "phone", type: "tel", inputMode: "tel", autocomplete: "off",
                                    maxLength: 20, placeholder: t("capture.phone_placeholder"), dataset: { input: "phone" } });
    const phoneStatus = h("div", { class: "phone-status", role: "status", dataset: { phoneStatus: "" } });
    const meterSlot = h("div", { class: "meter-slot" });
    const form = profileForm({}, { onChange: () => redraw() });
    const consentService = h("input", { type: "checkbox", name: "consent_service", dataset: { input: "consent_service" } });
    const consentMarketing = h("input", { type: "checkbox", name: "consent_marketing", dataset: { input: "consent_marketing" } });
    const saveButton = h("button", { class: "btn btn-primary btn-large", type: "submit", dataset: { action: "save" }, disabled: true },
      svg(icons.check), t("capture.save"));
    const message = h("p", { class: "form-message", role: "alert", dataset: { message: "" } });
    const details = h("div", { class: "capture-details", hidden: true }, form,
      h("fieldset", { class: "form-section consent" },
        h("legend", {}, t("consent.title")),
        h("p", { class: "muted small" }, t("consent.explain", { version: NOTICE_VERSION })),
        h("label", { class: "check" }, consentService, h("span", {}, t("consent.service"))),
        h("label", { class: "check" }, consentMarketing, h("span", {}, t("consent.marketing")))));

    // A region admin belongs to no store: they say which store the customer belongs to.
    const storePick = session.current().role === "admin"
      ? h("select", { name: "home_store_id", dataset: { input: "home_store_id" } }, h("option", { value: "" }, t("capture.pick_store")))
      : null;
    if (storePick) {
      api.get("/api/v1/stores").then((stores) => {
        storePick.append(...stores.filter((st) => st.active).map((st) => h("option", { value: String(st.id) }, `${st.name}（${st.code}）`)));
      }).catch(() => {});
    }

    const redraw = () => {
      const values = form.values();
      clear(meterSlot).append(meter(completeness(values), missing(values)));
    };

    const setStatus = (kind, ...content) => {
      phoneStatus.dataset.phoneStatus = kind;
      clear(phoneStatus).append(...content);
    };

    const onPhone = async () => {
      const mine = ++lookup;
      phone = normalisePhone(phoneInput.value);
      saveButton.disabled = !phone;
      details.hidden = !phone;
      if (!phone) {
        const digits = phoneInput.value.replace(/\D/g, "");
        setStatus(digits.length >= 11 ? "invalid" : "", digits.length >= 11 ? t("capture.phone_invalid") : "");
        return;
      }
      const queued = (await outbox.list()).find((e) => e.kind === "customer.create" && e.body.phone === phone);
      if (queued) {
        setStatus("queued", t("capture.phone_queued"),
          h("button", { class: "btn", type: "button", onclick: () => navigate(`/customers/${queued.local}`) }, t("capture.open_customer")));
        saveButton.disabled = true;
        return;
      }
      if (!network.isOnline()) {
        setStatus("offline", svg(icons.offline), t("capture.phone_unchecked"));
        return;
      }
      setStatus("checking", t("capture.checking"));
      try {
        const page = await api.get(`/api/v1/customers?q=${encodeURIComponent(phone)}&limit=1`);
        if (mine !== lookup || !alive()) return;
        if (page.items.length) {
          const found = page.items[0];
          setStatus("exists", existingCard(found.id, `${found.name || t("customer.no_name")} · ${found.phone_masked}`, navigate));
          details.hidden = true;
          saveButton.disabled = true;
        } else {
          setStatus("new", svg(icons.check), t("capture.phone_new"));
          // on to the name, unless the clerk has gone on typing elsewhere meanwhile
          if (document.activeElement === phoneInput) form.querySelector("[data-input=name]")?.focus();
        }
      } catch (error) {
        if (mine !== lookup) return;
        setStatus("offline", svg(icons.offline), t("capture.phone_unchecked"));
      }
    };
    phoneInput.addEventListener("input", onPhone);

    const body = () => {
      const values = form.values();
      const consents = [];
      if (consentService.checked) consents.push({ purpose: "service", granted: true, notice_version: NOTICE_VERSION });
      if (consentMarketing.checked) consents.push({ purpose: "marketing", granted: true, notice_version: NOTICE_VERSION });
      const out = { phone };
      if (storePick?.value) out.home_store_id = Number(storePick.value);
      for (const [key, value] of Object.entries(values)) {
        const empty = value === null || value === "" || (Array.isArray(value) && !value.length);
        if (!empty) out[key] = value;
      }
      if (consents.length) out.consents = consents;
      return out;
    };

    const page = h("form", {
      class: "screen capture",
      novalidate: true,
      onsubmit: async (event) => {
        event.preventDefault();
        if (!phone || saveButton.disabled) return;
        const problem = check(form.values());
        if (problem) {
          showFieldError(page, problem);
          return;
        }
        const key = outbox.newKey(); // made at the tap: a retry of this capture is the same capture
        saveButton.disabled = true;
        message.textContent = "";
        const payload = body();
        const waiting = outbox.outcome(key, network.isOnline() ? WAIT_FOR_SERVER_MS : 0);
        const entry = await outbox.submit({
          key, kind: "customer.create", method: "POST", path: "/api/v1/customers", body: payload,
          label: { name: payload.name || "", phone: payload.phone },
        });
        const result = await waiting;
        if (!alive()) return;
        if (result?.type === "outbox:sent") {
          toast(t("capture.saved"), "success");
          navigate(`/customers/${result.body.id}`, { replace: true });
        } else if (result?.type === "outbox:refused") {
          await outbox.discard(key); // shown right here, on the form that still holds what was typed
          saveButton.disabled = false;
          const problem = result.problem;
          if (problem.existingId) {
            const found = await existing.lookUp(problem.existingId).catch(() => ({ id: problem.existingId, inReach: true }));
            if (!alive()) return;
            setStatus("exists", found.inReach
              ? existingCard(found.id, found.name ? `${found.name} · ${found.phone_masked}` : problem.detail, navigate,
                             found.consent ? { found, body: payload } : null)
              : otherStoreCard(payload.phone, payload.consents || [], navigate));
            details.hidden = true;
            saveButton.disabled = true;
          } else if (!showFieldError(page, problem)) {
            message.textContent = problem.detail;
          }
        } else {
          toast(t("capture.saved_offline"), "warn", 5000);
          navigate(`/customers/${entry.local}`, { replace: true });
        }
      },
    },
      h("header", { class: "screen-head" }, h("h1", {}, t("capture.title")), h("p", { class: "muted" }, t("capture.lead"))),
      h("div", { class: "capture-layout" },
        h("div", { class: "capture-main" },
          h("div", { class: "card phone-card" },
            storePick ? field(t("field.home_store"), storePick, { name: "home_store_id" }) : null,
            field(t("field.phone"), phoneInput, { name: "phone" }),
            phoneStatus),
          details),
        h("aside", { class: "capture-side" },
          h("div", { class: "card sticky" }, meterSlot, message, saveButton,
            h("p", { class: "muted small" }, t("capture.save_hint"))))));
    redraw();
    setTimeout(() => phoneInput.focus(), 0);
    onLeave(() => { lookup += 1; });
    return page;
  },
};
