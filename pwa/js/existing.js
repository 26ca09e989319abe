// A phone that is already a customer: open them if they are this store's, or, since the person is
// at the counter, make them this store's customer too (POST /customers/follow), then open them.
// Joining opens another store's profile to this store, so the customer proves they are here: the server
// sends a code to their phone, which they read out to the clerk.

import * as api from "./api.js";
import { formDialog } from "./dialog.js";
import { h } from "./dom.js";
import { t } from "./i18n.js";

/** The customer behind a 409 as the caller can see them: { id, inReach, name, phone_masked, consent }. */
export async function lookUp(existingId) {
  try {
    const customer = await api.get(`/api/v1/customers/${existingId}`);
    return { id: customer.id, inReach: true, name: customer.name, phone_masked: customer.phone_masked,
             consent: customer.consent || {} };
  } catch (error) {
    if (error instanceof api.ApiError && error.status === 404) return { id: existingId, inReach: false };
    throw error;
  }
}

/**
 * Makes the customer with this phone one of the store's customers; returns their id, or null when the clerk
 * closed the code dialog. Errors before the dialog (network, unknown phone, too many codes) are thrown.
 */
export async function join(phone, consents = []) {
  const first = await api.post("/api/v1/customers/follow", { phone, consents });
  if (!first.code_sent) return first.id;
  let sent = first;
  const input = h("input", { class: "input-code", name: "code", type: "text", inputMode: "numeric", autocomplete: "one-time-code",
                             maxLength: 6, pattern: "[0-9]*", dataset: { input: "join-code" } });
  const lead = h("span", {}, t("join.code_lead", { phone: sent.phone_masked }));
  const resend = h("button", { class: "btn btn-small", type: "button", dataset: { action: "join-resend" } }, t("join.resend"));
  const status = h("span", { class: "muted small", role: "status" });
  resend.addEventListener("click", async () => {
    resend.disabled = true;
    try {
      sent = await api.post("/api/v1/customers/follow", { phone, consents });
      status.textContent = t("join.resent");
    } catch (error) {
      status.textContent = error instanceof api.Unreachable ? t("net.needs_network") : error.problem?.detail || "";
    } finally {
      resend.disabled = false;
    }
  });
  setTimeout(() => input.focus(), 0);
  const joined = await formDialog({
    name: "join-code",
    title: t("join.code_title"),
    lead,
    content: h("div", { class: "dialog-fields" },
      h("label", { class: "field" }, h("span", { class: "field-label" }, t("join.code_label")), input),
      h("div", { class: "join-resend" }, resend, status)),
    ok: t("join.confirm"),
    onOk: async ({ say }) => {
      const code = input.value.replace(/\s+/g, "");
      if (!/^[0-9]{6}$/.test(code)) {
        say(t("join.code_format"));
        return undefined;
      }
      try {
        return await api.post("/api/v1/customers/follow", { phone, consents, ref: sent.ref, code });
      } catch (error) {
        say(error instanceof api.Unreachable ? t("net.needs_network") : error.problem?.detail || "");
        input.select();
        return undefined;
      }
    },
  });
  return joined ? joined.id : null;
}


/**
 * What was typed at a capture that turned out to be an existing customer of this store: the consents the customer
 * gave are recorded on that customer (those not already given); returns the other fields typed, which are not
 * written over the existing profile (the clerk is told, to check them on the profile).
 */
export async function carryOver(found, body) {
  for (const grant of body.consents || []) {
    if (grant.granted && !found.consent?.[grant.purpose]) await api.post(`/api/v1/customers/${found.id}/consents`, grant);
  }
  return Object.keys(body).filter((name) => !["phone", "consents", "language"].includes(name) && body[name] !== ""
                                            && body[name] !== null && !(Array.isArray(body[name]) && !body[name].length));
}
