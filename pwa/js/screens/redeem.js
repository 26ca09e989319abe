// Redeem (核销): the customer shows their coupon's QR, the tablet's camera reads it (or the clerk types the
// code), the server decides, and the answer fills the screen. Redemption is never queued: it needs the server.

import * as api from "../api.js";
import * as text from "../coupon-text.js";
import { amountField } from "../amount-field.js";
import { deviceName } from "../device.js";
import { clear, field, h, svg } from "../dom.js";
import * as format from "../format.js";
import { t } from "../i18n.js";
import { icons } from "../icons.js";
import * as network from "../network.js";
import { newKey } from "../outbox.js";
import * as redeemed from "../redeemed.js";
import { answerOf, groupCode } from "../redemption.js";
import * as scanner from "../scanner.js";
import * as session from "../session.js";

const REVERSE_WINDOW_MS = 30 * 60 * 1000;
const UNSURE = new Set(["offline", "uncertain", "error", "spend_needed"]);

function answerCard(answer, { coupon, problem, redemption, code }, actions = []) {
  const tone = answer === "redeemed" ? "ok" : answer === "checking" ? "idle" : UNSURE.has(answer) ? "warn" : "bad";
  const icon = answer === "redeemed" ? icons.check : answer === "checking" ? icons.clock : answer === "offline" ? icons.offline : icons.alert;
  const lines = [];
  if (answer === "redeemed") {
    lines.push(h("p", { class: "answer-what", dataset: { answerCoupon: "" } }, text.name(coupon), " · ", text.value(coupon)));
    lines.push(h("p", { class: "answer-meta" }, t("redeem.at_store", { store: redemption.store_name, time: format.dateTime(redemption.at) })));
  } else if (answer === "already_redeemed") {
    lines.push(h("p", { class: "answer-what", dataset: { answerWhere: "" } },
      t("redeem.at_store", { store: problem.redeemed_store_name, time: format.dateTime(problem.redeemed_at) })));
  } else if (answer === "expired" && problem.valid_until) {
    lines.push(h("p", { class: "answer-what" }, t("redeem.expired_on", { time: format.dateTime(problem.valid_until) })));
  } else if (answer === "not_yet_valid" && problem.valid_from) {
    lines.push(h("p", { class: "answer-what" }, t("redeem.valid_from", { time: format.dateTime(problem.valid_from) })));
  }
  const detail = answer === "offline" ? t("redeem.offline_detail")
    : answer === "uncertain" ? t("redeem.uncertain_detail")
      : answer === "redeemed" || answer === "checking" || lines.length ? "" : problem?.detail || "";
  return h("section", { class: `answer answer-${tone}`, role: "status", "aria-live": "assertive", dataset: { answer } },
    h("span", { class: "answer-icon" }, svg(icon)),
    h("h2", { class: "answer-title" }, t(`redeem.answer.${answer}`)),
    ...lines,
    code ? h("p", { class: "answer-code" }, t("redeem.code_label"), " ", h("span", { class: "mono" }, text.groupCode(code))) : null,
    detail ? h("p", { class: "answer-detail" }, detail) : null,
    actions.length ? h("div", { class: "answer-actions" }, actions) : null);
}

function idleCard() {
  return h("section", { class: "answer answer-idle", dataset: { answer: "" } },
    h("span", { class: "answer-icon" }, svg(icons.coupon)),
    h("h2", { class: "answer-title" }, t("redeem.idle_title")),
    h("p", { class: "muted" }, t("redeem.idle_lead")));
}

function recentList() {
  const items = redeemed.recent();
  if (!items.length) return null;
  return h("section", { class: "card" },
    h("h2", { class: "card-title" }, svg(icons.clock), t("redeem.recent_title")),
    h("ul", { class: "plain-list", dataset: { recentRedemptions: "" } }, items.slice(0, 5).map((r) =>
      h("li", { class: "plain-row" },
        h("span", { class: "plain-main" }, h("strong", {}, text.name(r.coupon)), h("span", { class: "muted small mono" }, text.groupCode(r.coupon.code))),
        h("span", { class: "muted small" }, format.dateTime(r.at).slice(-5))))));
}

async function storePicker() {
  const stores = await api.get("/api/v1/stores");
  return h("select", { name: "store_id", dataset: { input: "store_id" } },
    h("option", { value: "" }, t("redeem.pick_store")),
    stores.map((s) => h("option", { value: String(s.id) }, s.name)));
}

export default {
  title: "redeem.title",
  async render({ onLeave, alive, query }) {
    const me = session.current();
    const storePick = !me.store_id && network.isOnline() ? await storePicker().catch(() => null) : null;
    if (!alive()) return h("div");
    const codeInput = h("input", { class: "input-code mono", name: "code", autocomplete: "off", autocapitalize: "characters",
                                   spellcheck: false, maxLength: 40, placeholder: t("redeem.code_placeholder"),
                                   value: query.get("code") || "", dataset: { input: "code" } });
    const spend = amountField("spend", { placeholder: t("redeem.spend_placeholder") });
    const redeemButton = h("button", { class: "btn btn-primary btn-large btn-block", type: "submit", dataset: { action: "redeem" } },
      svg(icons.check), t("redeem.submit"));
    const message = h("p", { class: "form-message", role: "alert" });
    const answerSlot = h("div", { class: "answer-slot", dataset: { answerSlot: "" } }, idleCard());
    const recentSlot = h("div", {}, recentList());
    const video = h("video", { class: "camera-video", muted: true, playsInline: true, dataset: { video: "" } });
    const cameraNote = h("p", { class: "camera-note", dataset: { cameraNote: "" } }, t("redeem.camera_idle"));
    const cameraButton = h("button", { class: "btn btn-large", type: "button", dataset: { action: "scan" } }, svg(icons.camera), t("redeem.scan"));
    const camera = h("div", { class: "camera", dataset: { camera: "idle" } },
      video, h("div", { class: "camera-frame", "aria-hidden": "true" }), h("div", { class: "camera-idle" }, cameraNote, cameraButton));
    let scan = null;
    // { code, spendFen, storeId, key, unanswered }: what "try again" sends, with the same Idempotency-Key
    let last = null;

    const stopCamera = () => {
      scan?.stop();
      scan = null;
      camera.dataset.camera = "idle";
      clear(cameraButton).append(svg(icons.camera), t("redeem.scan"));
    };
    const startCamera = async () => {
      if (scan) return stopCamera();
      camera.dataset.camera = "starting";
      cameraNote.textContent = t("redeem.camera_starting");
      let read = false;
      try {
        const running = await scanner.start(video, (code) => {
          read = true;
          scan = null;
          camera.dataset.camera = "idle";
          clear(cameraButton).append(svg(icons.camera), t("redeem.scan_next"));
          cameraNote.textContent = t("redeem.camera_read");
          codeInput.value = text.groupCode(code);
          send(code);
        });
        camera.dataset.decoder = running.kind;
        if (read) return;
        if (!alive()) return running.stop();
        scan = running;
        camera.dataset.camera = "running";
        clear(cameraButton).append(svg(icons.close), t("redeem.scan_stop"));
      } catch (error) {
        camera.dataset.camera = "idle";
        cameraNote.textContent = t(`redeem.camera.${error.reason || "no-camera"}`);
      }
    };
    cameraButton.addEventListener("click", startCamera);

    const show = (answer, details, actions = []) => {
      clear(answerSlot).append(answerCard(answer, details, actions));
      clear(recentSlot).append(recentList() || "");
    };

    const nextButton = (primary = false) => h("button", { class: primary ? "btn btn-large btn-primary" : "btn btn-large", type: "button",
                                                           dataset: { action: "scan-next" },
      onclick: () => { codeInput.value = ""; spend.input.value = ""; clear(answerSlot).append(idleCard()); startCamera(); } },
      svg(icons.camera), t("redeem.scan_next"));

    // A manager may undo a redemption of this store from the last 30 minutes, the one just made or an earlier one.
    const reverseLink = (answer, problem, code) => {
      if (!session.isManager()) return null;
      const recentHere = answer === "already_redeemed" && problem.redeemed_store_id === me.store_id
        && Date.now() - new Date(problem.redeemed_at).getTime() < REVERSE_WINDOW_MS;
      if (answer !== "redeemed" && !recentHere) return null;
      return h("a", { class: "btn btn-large btn-danger", href: `#/reversal?code=${encodeURIComponent(code)}`, dataset: { action: "reverse" } },
        svg(icons.undo), t("reversal.action"));
    };

    const retryButton = () => h("button", { class: "btn btn-primary btn-large", type: "button", dataset: { action: "retry" },
                                            onclick: () => send(last.code, true) }, t("redeem.retry"));

    const send = async (code, again = false) => {
      const spendFen = spend.value();
      if (spendFen === undefined) return;
      const storeId = storePick ? Number(storePick.value) || null : null;
      if (storePick && !storeId) return (message.textContent = t("redeem.pick_store"));
      message.textContent = "";
      // The same code and spend tapped again after a lost answer is a retry of that redemption, not a new one.
      if (!again && last?.unanswered && groupCode(last.code) === groupCode(code) && last.spendFen === spendFen
          && last.storeId === storeId) again = true;
      if (!again) last = { code, spendFen, storeId, key: newKey(), unanswered: false }; // made at the tap
      if (!network.isOnline() && !navigator.onLine) {
        // Never sent: nothing was redeemed. A retry of an unanswered redemption stays unanswered until online.
        return again ? show("uncertain", { code: last.code }, [retryButton()]) : show("offline", { code });
      }
      const body = { code: last.code, device: deviceName() };
      if (last.spendFen !== null) body.spend_fen = last.spendFen;
      if (storeId) body.store_id = storeId;
      redeemButton.disabled = true;
      show("checking", { code });
      try {
        const redemption = await api.post("/api/v1/coupons/redeem", body, { headers: { "Idempotency-Key": last.key } });
        last.unanswered = false;
        if (!alive()) return;
        redeemed.remember(redemption);
        codeInput.value = ""; // ready for the next customer; the answer card keeps what was redeemed
        spend.input.value = "";
        const actions = [
          nextButton(true),
          h("a", { class: "btn btn-large", href: `#/customers/${redemption.coupon.customer_id}?tab=coupons`, dataset: { action: "open-customer" } },
            t("redeem.open_customer")),
          reverseLink("redeemed", {}, redemption.coupon.code)].filter(Boolean);
        show("redeemed", { coupon: redemption.coupon, redemption, code: redemption.coupon.code }, actions);
      } catch (error) {
        last.unanswered = error instanceof api.Unreachable;
        if (!alive()) return;
        if (last.unanswered) {
          show("uncertain", { code: last.code }, [retryButton()]);
        } else {
          const answer = answerOf(error.status, error.problem);
          if (answer === "spend_needed") {  // nothing was redeemed: the clerk types the amount and taps again
            show(answer, { problem: error.problem || {}, code });
            spend.input.focus();
            return;
          }
          show(answer, { problem: error.problem || {}, code }, [nextButton(true), reverseLink(answer, error.problem || {}, code)].filter(Boolean));
        }
      } finally {
        redeemButton.disabled = false;
      }
    };

    const form = h("form", {
      class: "card redeem-form", novalidate: true,
      onsubmit: (event) => {
        event.preventDefault();
        const code = codeInput.value.trim();
        if (!code) return codeInput.focus();
        stopCamera();
        send(code);
      },
    },
      storePick ? field(t("redeem.store"), storePick, { name: "store_id" }) : null,
      field(t("redeem.code"), codeInput, { name: "code" }),
      field(t("redeem.spend"), spend.node, { name: "spend_fen", hint: t("redeem.spend_hint") }),
      message,
      redeemButton,
      h("p", { class: "muted small" }, svg(icons.online), " ", t("redeem.needs_server")));

    const offlineNote = h("p", { class: "notice notice-warn", hidden: network.isOnline(), dataset: { notice: "offline" } },
      svg(icons.offline), t("redeem.offline_notice"));
    const onNet = () => { offlineNote.hidden = network.isOnline(); };
    const onHidden = () => { if (document.hidden) stopCamera(); }; // no camera running behind another app
    window.addEventListener("network:changed", onNet);
    document.addEventListener("visibilitychange", onHidden);
    onLeave(() => {
      stopCamera();
      window.removeEventListener("network:changed", onNet);
      document.removeEventListener("visibilitychange", onHidden);
    });

    if (await scanner.cameraAllowed()) startCamera();
    else setTimeout(() => { if (!codeInput.value) codeInput.focus(); }, 0);

    return h("section", { class: "screen redeem" },
      h("header", { class: "screen-head" }, h("h1", {}, t("redeem.title")), h("p", { class: "muted" }, t("redeem.lead"))),
      offlineNote,
      h("div", { class: "redeem-layout" },
        h("div", { class: "redeem-input" }, camera, form),
        h("div", { class: "redeem-output" }, answerSlot, recentSlot)));
  },
};
