// Manager: the store's care campaigns (and the chain's, read only), with their state, occasion, audience and
// holdout; starting, pausing and ending one; planning one for today at once; the chain's frequency cap.

import * as api from "../api.js";
import * as care from "../care-text.js";
import { noticeDialog } from "../dialog.js";
import { clear, confirmDialog, h, segmented, svg, toast } from "../dom.js";
import * as format from "../format.js";
import { t } from "../i18n.js";
import { icons } from "../icons.js";
import * as session from "../session.js";
import { capCard } from "./campaign-parts.js";

const NEXT = { draft: ["active", "ended"], active: ["paused", "ended"], paused: ["active", "ended"], ended: [] };
const STATE_PILL = { draft: "pill-off", scheduled: "", active: "pill-ok", over: "pill-off", paused: "pill-warn", ended: "pill-off" };

export function editable(campaign) {
  const me = session.current();
  return me.role === "admin" || (campaign.store_id !== null && campaign.store_id === me.store_id);
}

/** Plans the campaign for today after the manager confirms, then says what was planned. */
export async function planNow(campaign) {
  const ok = await confirmDialog({ title: t("campaign.plan_title", { name: campaign.name }), body: t("campaign.plan_body"),
                                   ok: t("campaign.plan_ok") });
  if (!ok) return null;
  let result;
  try {
    result = await api.post(`/api/v1/care/campaigns/${campaign.id}/plan`);
  } catch (error) {
    toast(care.problem(error), "error", 6000);
    return null;
  }
  const contacted = result.planned - result.holdout;
  await noticeDialog({
    name: "planned", title: t("campaign.planned_title", { name: campaign.name }),
    content: result.planned
      ? h("div", { class: "planned", dataset: { planned: String(result.planned), holdout: String(result.holdout) } },
        h("div", { class: "stats stats-small planned-stats" },
          h("div", { class: "stat card" }, h("strong", { class: "stat-value" }, String(result.planned)), h("span", {}, t("campaign.planned_total"))),
          h("div", { class: "stat card" }, h("strong", { class: "stat-value" }, String(contacted)), h("span", {}, t("campaign.planned_contacted"))),
          h("div", { class: "stat card" }, h("strong", { class: "stat-value" }, String(result.holdout)), h("span", {}, t("campaign.planned_holdout")))),
        h("p", {}, t("campaign.planned_next", { actions: care.actions(campaign) })))
      : h("p", { dataset: { planned: "0" } }, t("campaign.planned_none")),
  });
  return result;
}

function audience(campaign, segments) {
  if (campaign.segment_id === null) return h("span", {}, t(campaign.store_id === null ? "campaign.audience_chain" : "campaign.audience_all"));
  const segment = segments[campaign.segment_id];
  return h("span", {}, segment?.name || `#${campaign.segment_id}`,
    segment?.size !== null && segment?.size !== undefined ? h("div", { class: "muted small" }, t("campaign.audience_size", { count: segment.size })) : null);
}

export default {
  title: "campaign.list_title",
  async render({ alive }) {
    const body = h("ul", { class: "campaign-list", dataset: { campaignTable: "" } });
    const status = h("p", { class: "muted", role: "status" });
    let filter = "current";
    let all = [];
    const segments = {};

    const row = (campaign) => {
      const own = editable(campaign);
      const transitions = own ? NEXT[campaign.status].map((to) => h("button", {
        class: `btn btn-small ${to === "ended" ? "btn-danger" : ""}`, type: "button", dataset: { action: `status-${to}` },
        onclick: () => move(campaign, to),
      }, t(`campaign.to.${to}`))) : [];
      const fact = (label, ...value) => h("div", { class: "fact" }, h("dt", {}, label), h("dd", {}, ...value));
      const state = care.state(campaign);
      return h("li", { class: "card campaign", dataset: { campaign: String(campaign.id), status: campaign.status } },
        h("div", { class: "campaign-head" },
          h("div", { class: "campaign-name" },
            h("strong", {}, campaign.name),
            h("span", { class: "muted small" }, t(`campaign.purpose.${campaign.purpose}`),
              campaign.theme ? ` · ${t(`campaign.theme.${campaign.theme}`)}` : "", campaign.store_id === null ? ` · ${t("campaign.chain")}` : "")),
          h("span", { class: `pill pill-small ${STATE_PILL[state]}`, dataset: { state } }, t(`campaign.status.${state}`)),
          h("span", { class: "spacer" }),
          h("div", { class: "campaign-buttons" },
            state === "active" ? h("button", { class: "btn btn-small btn-primary", type: "button", dataset: { action: "plan" },
                                               onclick: () => planNow(campaign) }, svg(icons.play), t("campaign.plan")) : null,
            h("a", { class: "btn btn-small", href: `#/campaigns/${campaign.id}`, dataset: { action: "open-campaign" } },
              svg(own ? icons.edit : icons.chart), t(own ? "campaign.open" : "campaign.effect")),
            ...transitions)),
        h("dl", { class: "facts" },
          fact(t("campaign.occasion"), care.occasion(campaign.occasion),
            campaign.starts_on || campaign.ends_on ? h("div", { class: "muted small" }, `${format.day(campaign.starts_on) || "…"} – ${format.day(campaign.ends_on) || "…"}`) : null),
          fact(t("campaign.audience"), audience(campaign, segments)),
          fact(t("campaign.actions"), care.actions(campaign),
            campaign.message ? h("div", { class: "muted small", dataset: { channelOrder: "" } },  // the message's channels
              campaign.channels.map((c) => t(`campaign.channel.${c}`)).join(" → ")) : null),
          fact(t("campaign.holdout"), care.percent(campaign.holdout_percent),
            h("div", { class: "muted small" }, t("campaign.priority_n", { n: campaign.priority })))));
    };

    const draw = () => {
      const shown = all.filter((c) => filter === "all" || (filter === "ended") === (c.status === "ended"));
      clear(body).append(...shown.map(row));
      if (!shown.length) body.append(h("li", { class: "notice", dataset: { notice: "empty" } }, t("campaign.none")));
      status.textContent = shown.length ? t("campaign.count", { count: shown.length }) : t("campaign.none");
    };
    const load = async () => {
      try {
        all = await api.get("/api/v1/care/campaigns");
        const used = [...new Set(all.map((c) => c.segment_id).filter((id) => id !== null))].filter((id) => !(id in segments));
        await Promise.all(used.map(async (id) => { segments[id] = await api.get(`/api/v1/care/segments/${id}`).catch(() => null); }));
      } catch (error) {
        status.textContent = care.problem(error);
        return;
      }
      if (alive()) draw();
    };
    const move = async (campaign, to) => {
      if (to === "ended" && !(await confirmDialog({ title: t("campaign.end_title", { name: campaign.name }), body: t("campaign.end_body"),
                                                   ok: t("campaign.to.ended"), danger: true }))) return;
      try {
        await api.patch(`/api/v1/care/campaigns/${campaign.id}`, { status: to });
        toast(t("campaign.moved", { name: campaign.name, status: t(`campaign.status.${to}`) }), "success");
        await load();
      } catch (error) {
        toast(care.problem(error), "error", 6000);
      }
    };
    await load();
    if (!alive()) return h("div");
    const filters = segmented("campaign-filter", [["current", t("campaign.filter_current")], ["ended", t("campaign.filter_ended")],
                                                  ["all", t("campaign.filter_all")]], filter, (value) => { filter = value; draw(); });
    return h("section", { class: "screen campaigns" },
      h("header", { class: "screen-head row" },
        h("div", {}, h("h1", {}, t("campaign.list_title")), h("p", { class: "muted" }, t("campaign.list_lead"))),
        h("span", { class: "spacer" }),
        h("a", { class: "btn btn-primary", href: "#/campaigns/new", dataset: { action: "new-campaign" } }, svg(icons.megaphone), t("campaign.new"))),
      h("div", { class: "row" }, filters, h("span", { class: "spacer" }), status),
      body,
      await capCard());
  },
};
