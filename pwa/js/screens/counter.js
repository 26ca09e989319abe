// Counter: the rotating redemption QR, full screen, for the customer to scan with their phone; each redemption
// they make appears here at once (the event stream), big, with the coupon, its value and the customer.

import * as api from "../api.js";
import { frame, statusPill } from "../counter-frame.js";
import * as stream from "../counter-stream.js";
import * as text from "../coupon-text.js";
import { clear, h, svg } from "../dom.js";
import * as format from "../format.js";
import { t } from "../i18n.js";
import { icons } from "../icons.js";
import * as network from "../network.js";

const RETRY_MS = 5000;
const SHOW_REDEEMED_MS = 30000;
const RECENT = 6;

export function svgImage(markup, alt, dataset = {}) {
  return h("img", { class: "counter-qr-image", alt, dataset, src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(markup)}` });
}

function redeemedCard(data, onNext) {
  return h("div", { class: "counter-redeemed", role: "alert", dataset: { counterRedeemed: String(data.coupon_id) } },
    h("div", { class: "counter-redeemed-mark" }, svg(icons.check)),
    h("p", { class: "counter-redeemed-title" }, t("counter.redeemed_title")),
    h("p", { class: "counter-redeemed-coupon", dataset: { redeemedCoupon: "" } }, text.name(data)),
    h("p", { class: "counter-redeemed-value", dataset: { redeemedValue: "" } }, data.kind ? text.value(data) : ""),
    h("p", { class: "counter-redeemed-meta" },
      h("span", { dataset: { redeemedCustomer: "" } }, t("counter.customer", { phone: data.customer || "—" })),
      // a coupon with a minimum spend: the amount the customer stated, for the clerk to check against the bill
      data.spend_fen != null ? h("span", { dataset: { redeemedSpend: "" } }, t("counter.spend", { amount: format.money(data.spend_fen) })) : null,
      h("span", { class: "mono" }, data.code),
      h("span", {}, format.dateTime(data.at).slice(-5))),
    h("button", { class: "btn btn-large counter-next", type: "button", dataset: { action: "next-customer" }, onclick: onNext },
      t("counter.next_customer")));
}

function recentItem(data) {
  return h("li", { class: "counter-recent-item", dataset: { recent: String(data.coupon_id) } },
    h("span", { class: "counter-recent-icon" }, svg(icons.check)),
    h("span", { class: "counter-recent-main" }, h("strong", {}, text.name(data)),
      h("small", { class: "muted" }, [data.kind ? text.value(data) : "", data.customer].filter(Boolean).join(" · "))),
    h("small", { class: "muted" }, format.dateTime(data.at).slice(-5)));
}

export default {
  title: "counter.title_redeem",
  render({ onLeave }) {
    const status = statusPill();
    const qrBox = h("div", { class: "counter-qr", dataset: { counterQr: "loading" } }, h("div", { class: "counter-qr-placeholder" }));
    const qrNote = h("p", { class: "counter-qr-note", role: "status" });
    const meter = h("span", {});
    const countdown = h("div", { class: "counter-countdown", "aria-hidden": "true" }, h("div", { class: "meter meter-small" }, meter));
    const recentList = h("ul", { class: "counter-recent-list", dataset: { counterRecent: "" } });
    const recentEmpty = h("p", { class: "muted" }, t("counter.recent_none"));
    const overlay = h("div", { class: "counter-overlay", hidden: true, dataset: { counterOverlay: "" } });
    let current = null;  // { token, fetchedAt, rotateAt, expiresAt }
    let refreshTimer = null;
    let hideTimer = null;
    let tickTimer = null;
    let streamState = "connecting";
    let left = false;
    const seen = new Set();

    const showStatus = () => status.set(network.isOnline() ? streamState : "offline");

    const tick = () => {
      if (!current) return;
      const now = Date.now();
      const remaining = Math.max(0, current.rotateAt - now);
      meter.style.width = `${(100 * remaining) / (current.rotateAt - current.fetchedAt)}%`;
      const stale = now >= current.expiresAt;
      qrBox.dataset.counterQr = stale ? "stale" : "live";
      qrNote.textContent = stale ? t("counter.qr_stale") : t("counter.qr_rotates", { seconds: Math.ceil(remaining / 1000) });
    };

    const refresh = async () => {
      clearTimeout(refreshTimer);
      if (left) return;
      try {
        const qr = await api.get("/api/v1/counter/qr", { timeout: 8000 });
        if (left) return;
        const now = Date.now();
        const lifetime = new Date(qr.scan_until) - new Date(qr.issued_at);
        current = { token: qr.token, url: qr.url, fetchedAt: now, rotateAt: now + qr.refresh_in * 1000, expiresAt: now + lifetime };
        clear(qrBox).append(svgImage(qr.qr_svg, t("counter.qr_alt"), { counterQrUrl: qr.url }));
        refreshTimer = setTimeout(refresh, qr.refresh_in * 1000);
      } catch (error) {
        if (left) return;
        if (error instanceof api.ApiError && error.status === 403) {
          clear(qrBox).append(h("p", { class: "notice notice-error" }, error.problem?.detail || t("counter.needs_store")));
          qrBox.dataset.counterQr = "refused";
          return;
        }
        refreshTimer = setTimeout(refresh, RETRY_MS);
      }
      tick();
    };

    const dismiss = () => {
      clearTimeout(hideTimer);
      overlay.hidden = true;
      clear(overlay);
    };

    const redeemed = (kind, data) => {
      if (seen.has(data.id)) return;
      seen.add(data.id);
      clear(overlay).append(redeemedCard(data, dismiss));
      overlay.hidden = false;
      overlay.querySelector("[data-action=next-customer]").focus({ preventScroll: true });
      clearTimeout(hideTimer);
      hideTimer = setTimeout(dismiss, SHOW_REDEEMED_MS);
      recentEmpty.hidden = true;
      recentList.prepend(recentItem(data));
      while (recentList.children.length > RECENT) recentList.lastChild.remove();
      navigator.vibrate?.(200);
      refresh();  // the token on screen is spent: show the next one at once
    };

    const events = stream.open({
      onEvent: redeemed,
      onState: (state) => {
        streamState = state;
        showStatus();
        if (state === "live" && current && Date.now() >= current.expiresAt) refresh();
      },
    });
    const back = () => { showStatus(); if (network.isOnline()) refresh(); };
    const visible = () => { if (document.visibilityState === "visible" && current && Date.now() >= current.rotateAt) refresh(); };
    window.addEventListener("network:changed", back);
    document.addEventListener("visibilitychange", visible);
    tickTimer = setInterval(tick, 1000);
    refresh();
    showStatus();

    onLeave(() => {
      left = true;
      events.close();
      clearTimeout(refreshTimer);
      clearTimeout(hideTimer);
      clearInterval(tickTimer);
      window.removeEventListener("network:changed", back);
      document.removeEventListener("visibilitychange", visible);
    });

    const body = h("div", { class: "counter-body" },
      h("div", { class: "counter-main card" },
        h("h1", { class: "counter-headline" }, t("counter.scan_to_redeem")),
        h("p", { class: "counter-lead" }, t("counter.scan_to_redeem_lead")),
        qrBox,
        countdown,
        qrNote),
      h("aside", { class: "counter-side card" },
        h("h2", { class: "card-title" }, svg(icons.clock), t("counter.recent")),
        recentEmpty,
        recentList,
        h("p", { class: "muted small counter-side-hint" }, t("counter.redeem_hint"))),
      overlay);
    return frame({ active: "/counter", status, body, onLeave });
  },
};
