// Pieces of the campaign screens: the chain's frequency cap, a new audience (segment), the channel order,
// and what a campaign has done so far (contacts, outcomes, effect against its holdout).

import * as api from "../api.js";
import * as care from "../care-text.js";
import { formDialog } from "../dialog.js";
import { append, clear, field, h, svg, toast } from "../dom.js";
import { t } from "../i18n.js";
import { icons } from "../icons.js";
import * as session from "../session.js";

const GRADES = ["A", "B", "C"];

function numberOrNull(input) {
  const typed = input.value.trim();
  if (!typed) return null;
  return /^\d+$/.test(typed) ? Number(typed) : NaN;
}

/** The chain's cap on contacts per customer across all campaigns; an admin may change it. */
export async function capCard() {
  const me = session.current();
  const url = me.store_id ? `/api/v1/care/stores/${me.store_id}/settings` : "/api/v1/care/settings";
  const text = h("p", { dataset: { cap: "" } });
  const card = h("section", { class: "card cap-card" }, h("h2", { class: "card-title" }, svg(icons.shield), t("campaign.cap_title")), text);
  const show = (settings) => {
    text.dataset.cap = `${settings.cap_count}/${settings.cap_days}`;
    text.textContent = t("campaign.cap_text", { count: settings.cap_count, days: settings.cap_days });
  };
  try {
    show(await api.get(url));
  } catch (error) {
    text.textContent = care.problem(error);
    return card;
  }
  if (me.role !== "admin") {
    card.append(h("p", { class: "muted small" }, t("campaign.cap_chain")));
    return card;
  }
  card.append(h("div", { class: "form-actions" }, h("button", {
    class: "btn", type: "button", dataset: { action: "edit-cap" },
    onclick: async () => {
      const count = h("input", { inputMode: "numeric", dataset: { input: "cap_count" }, value: text.dataset.cap.split("/")[0] });
      const days = h("input", { inputMode: "numeric", dataset: { input: "cap_days" }, value: text.dataset.cap.split("/")[1] });
      const saved = await formDialog({
        name: "cap", title: t("campaign.cap_title"), lead: t("campaign.cap_lead"),
        content: h("div", { class: "grid-2" }, field(t("campaign.cap_count"), count), field(t("campaign.cap_days"), days)),
        onOk: async ({ say }) => {
          try {
            return await api.patch("/api/v1/care/settings", { cap_count: numberOrNull(count), cap_days: numberOrNull(days) });
          } catch (error) {
            say(care.problem(error));
            return undefined;
          }
        },
      });
      if (saved) show(saved);
    },
  }, svg(icons.edit), t("campaign.cap_change"))));
  return card;
}

function toggles(name, values, label) {
  const group = h("div", { class: "segmented segmented-multi", role: "group", dataset: { toggles: name } });
  for (const value of values) {
    group.append(h("button", {
      type: "button", class: "segment", "aria-pressed": "false", dataset: { value: String(value) },
      onclick: (event) => event.currentTarget.setAttribute("aria-pressed", String(event.currentTarget.getAttribute("aria-pressed") !== "true")),
    }, label(value)));
  }
  group.chosen = () => [...group.children].filter((b) => b.getAttribute("aria-pressed") === "true").map((b) => b.dataset.value);
  group.choose = (chosen) => { for (const b of group.children) b.setAttribute("aria-pressed", String(chosen.map(String).includes(b.dataset.value))); };
  return group;
}
export { toggles };

/** A new saved audience: a name and a few simple filters; resolves with the segment (and its size) or null. */
export function segmentDialog() {
  const name = h("input", { maxLength: 100, dataset: { input: "segment_name" } });
  const tags = h("input", { dataset: { input: "segment_tags" }, placeholder: t("segment.tags_placeholder") });
  const grades = toggles("segment-grades", GRADES, (g) => t("segment.grade", { grade: g }));
  const lastVisit = h("input", { inputMode: "numeric", dataset: { input: "segment_last_visit" }, placeholder: t("segment.any") });
  const deviceAge = h("input", { inputMode: "numeric", dataset: { input: "segment_device_age" }, placeholder: t("segment.any") });
  return formDialog({
    name: "segment", title: t("segment.new_title"), lead: t("segment.new_lead"), ok: t("segment.save"),
    content: h("div", { class: "dialog-fields" },
      field(t("segment.name"), name, { name: "name" }),
      field(t("segment.tags"), tags, { name: "tags_any", hint: t("segment.tags_hint") }),
      field(t("segment.grades"), grades, { name: "store_grades" }),
      h("div", { class: "grid-2" },
        field(t("segment.last_visit"), lastVisit, { name: "last_visit_days_min", hint: t("segment.last_visit_hint") }),
        field(t("segment.device_age"), deviceAge, { name: "device_age_months_min", hint: t("segment.device_age_hint") }))),
    onOk: async ({ say }) => {
      if (!name.value.trim()) return say(t("segment.name_required"));
      const filters = {};
      const tagList = tags.value.split(/[,，、\s]+/).map((x) => x.trim()).filter(Boolean);
      if (tagList.length) filters.tags_any = tagList;
      if (grades.chosen().length) filters.store_grades = grades.chosen();
      for (const [key, input] of [["last_visit_days_min", lastVisit], ["device_age_months_min", deviceAge]]) {
        const value = numberOrNull(input);
        if (Number.isNaN(value)) return say(t("form.number_invalid"));
        if (value !== null) filters[key] = value;
      }
      try {
        const made = await api.post("/api/v1/care/segments", { name: name.value.trim(), filters });
        toast(t("segment.saved", { name: made.name, count: made.size ?? 0 }), "success");
        return made;
      } catch (error) {
        return say(care.problem(error));
      }
    },
  });
}

/** The message's channels in the order they are tried; each can be switched off or moved. */
export function channelOrder(initial) {
  const list = h("ol", { class: "channel-order", dataset: { channels: "" } });
  const order = [...initial, ...care.CHANNELS.filter((c) => !initial.includes(c))];
  const on = new Set(initial);
  const draw = () => {
    clear(list).append(...order.map((channel, i) => h("li", { class: "channel-row", dataset: { channel, on: String(on.has(channel)) } },
      h("label", { class: "check" },
        h("input", { type: "checkbox", checked: on.has(channel), dataset: { input: `channel-${channel}` },
                     onchange: (e) => { if (e.target.checked) on.add(channel); else on.delete(channel); draw(); } }),
        h("span", {}, h("strong", {}, t(`campaign.channel.${channel}`)), h("small", { class: "muted" }, ` ${t(`campaign.channel_hint.${channel}`)}`))),
      h("span", { class: "spacer" }),
      h("button", { class: "btn btn-small btn-quiet", type: "button", disabled: i === 0, "aria-label": t("campaign.move_up"),
                    dataset: { action: `up-${channel}` }, onclick: () => { order.splice(i - 1, 0, order.splice(i, 1)[0]); draw(); } }, svg(icons.up)),
      h("button", { class: "btn btn-small btn-quiet", type: "button", disabled: i === order.length - 1, "aria-label": t("campaign.move_down"),
                    dataset: { action: `down-${channel}` }, onclick: () => { order.splice(i + 1, 0, order.splice(i, 1)[0]); draw(); } }, svg(icons.down)))));
  };
  draw();
  list.value = () => order.filter((c) => on.has(c));
  return list;
}

function figure(name, value, label) {
  return h("div", { class: "stat card", dataset: { figure: name } }, h("strong", { class: "stat-value" }, value), h("span", {}, label));
}

/** Contacts so far, task outcomes, and the effect against the holdout over the days after each occasion. */
export async function effectCard(campaign) {
  const counts = campaign.counts || {};
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const card = h("section", { class: "card effect", dataset: { effect: "" } },
    h("h2", { class: "card-title" }, svg(icons.chart), t("effect.title")),
    h("div", { class: "stats stats-small" },
      figure("planned", String(total), t("effect.planned")),
      figure("sent", String(counts.sent || 0), t("effect.sent")),
      figure("holdout", String(counts.holdout || 0), t("effect.holdout")),
      figure("waiting", String((counts.pending || 0) + (counts.sending || 0)), t("effect.waiting")),
      figure("skipped", String(total - (counts.sent || 0) - (counts.holdout || 0) - (counts.pending || 0) - (counts.sending || 0)),
             t("effect.skipped"))),
    Object.keys(campaign.task_outcomes || {}).length ? h("p", { class: "small", dataset: { taskOutcomes: "" } }, t("effect.task_outcomes"), " ",
      Object.entries(campaign.task_outcomes).map(([k, n]) => `${t(`tasks.outcome.${k}`)} ${n}`).join(" · ")) : null);
  try {
    const uplift = await api.get(`/api/v1/care/campaigns/${campaign.id}/uplift?days=30`);
    const group = (name, g) => h("tr", { dataset: { group: name } },
      h("th", {}, t(`effect.group.${name}`)), h("td", { class: "num" }, String(g.customers)), h("td", { class: "num" }, String(g.purchased)),
      h("td", { class: "num" }, care.percent(g.purchase_rate * 100)), h("td", { class: "num" }, String(g.visited)),
      h("td", { class: "num" }, String(g.redeemed)));
    const sign = uplift.purchase_uplift_points > 0 ? "+" : "";
    const points = (value) => `${value > 0 ? "+" : ""}${Math.round(value * 10) / 10}`;
    append(card, [
      h("h3", { class: "effect-sub" }, t("effect.uplift_title", { days: uplift.days })),
      uplift.occasions ? h("div", { class: "table-scroll" }, h("table", { class: "table", dataset: { uplift: "" } },
        h("thead", {}, h("tr", {}, ["", "effect.customers", "effect.purchased", "effect.purchase_rate", "effect.visited", "effect.redeemed"]
          .map((k) => h("th", { class: k ? "num" : "" }, k ? t(k) : "")))),
        h("tbody", {}, group("contacted", uplift.contacted), group("holdout", uplift.holdout)))) : null,
      h("p", { class: "effect-uplift", dataset: { upliftPoints: String(uplift.purchase_uplift_points) } },
        uplift.occasions ? t("effect.uplift", { points: `${sign}${Math.round(uplift.purchase_uplift_points * 10) / 10}` }) : t("effect.no_data")),
      uplift.occasions ? h("p", { class: "muted small", dataset: { upliftInterval: uplift.no_interval ? "too_few" : "shown" } },
        uplift.no_interval || uplift.purchase_uplift_low_points == null ? t("effect.too_few", { n: uplift.min_each_way })
          : t("effect.interval", { low: points(uplift.purchase_uplift_low_points), high: points(uplift.purchase_uplift_high_points) })) : null,
      h("p", { class: "muted small" }, t("effect.explain"))]);
  } catch (error) {
    card.append(h("p", { class: "notice notice-error" }, care.problem(error)));
  }
  return card;
}
