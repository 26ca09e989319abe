// The customer's personal data on their page: an export for them, and their request to be erased
// (recorded at the counter; a server job anonymises the profile before the deadline).

import * as api from "../api.js";
import { confirmDialog, h, svg, toast } from "../dom.js";
import * as format from "../format.js";
import { t } from "../i18n.js";
import { icons } from "../icons.js";

export function privacyCard(id) {
  const exportButton = h("button", { class: "btn", type: "button", dataset: { action: "export" } }, t("privacy.export"));
  const eraseButton = h("button", { class: "btn btn-danger", type: "button", dataset: { action: "request-erasure" } },
    t("privacy.request_erasure"));
  const status = h("p", { class: "muted small", role: "status", dataset: { privacyStatus: "" } });
  exportButton.addEventListener("click", async () => {
    try {
      const document_ = await api.get(`/api/v1/customers/${id}/export`);
      const blob = new Blob([JSON.stringify(document_, null, 2)], { type: "application/json" });
      const link = h("a", { href: URL.createObjectURL(blob), download: `customer-${id}.json` });
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 10000);
    } catch (error) {
      toast(error instanceof api.Unreachable ? t("net.needs_network") : error.problem?.detail, "error");
    }
  });
  eraseButton.addEventListener("click", async () => {
    const ok = await confirmDialog({ title: t("privacy.erasure_title"), body: t("privacy.erasure_body"),
                                     ok: t("privacy.request_erasure"), danger: true });
    if (!ok) return;
    try {
      const request = await api.post(`/api/v1/customers/${id}/erasure-request`);
      status.textContent = t("privacy.erasure_requested", { due: format.date(request.due_at) });
      toast(status.textContent, "success");
    } catch (error) {
      toast(error instanceof api.Unreachable ? t("net.needs_network") : error.problem?.detail, "error");
    }
  });
  return h("section", { class: "card privacy" }, h("h2", { class: "card-title" }, svg(icons.shield), t("privacy.title")),
    h("p", { class: "muted small" }, t("privacy.lead")),
    h("div", { class: "form-actions" }, exportButton, eraseButton), status);
}
