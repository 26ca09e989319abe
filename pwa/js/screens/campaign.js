// Manager: a new care campaign, or changes to one: when (occasion), who (audience, holdout), what (message,
// coupon, points, clerk task), how (channel order, quiet hours, priority). Occasion, purpose and holdout are
// fixed once the campaign has started (the server refuses changes to them). An existing campaign shows its effect.

import * as api from "../api.js";
import * as care from "../care-text.js";
import * as couponText from "../coupon-text.js";
import { field, h, segmented, svg, toast } from "../dom.js";
import { t } from "../i18n.js";
import { icons } from "../icons.js";
import { channelOrder, effectCard, segmentDialog, toggles } from "./campaign-parts.js";
import { editable, planNow } from "./campaigns.js";

const OFFSETS = [90, 60, 30, 14, 7, 3];
const THEMES = ["", "reward", "communicate", "improve", "optimise"];
// Which number an occasion kind asks for, and its default.
const NUMBER_PARAM = {
  birthday: ["days_before", 0], follow_anniversary: ["days_before", 0], device_age: ["months", 24], arrears: ["every_days", 7],
  win_back: ["days", 90], coupon_expiring: ["days", 3], points_expiring: ["days", 30], purchase_follow_up: ["days", 3],
  complaint_follow_up: ["days", 1], after_sales_follow_up: ["days", 3],
};

function input(name, props = {}) {
  return h("input", { name, autocomplete: "off", dataset: { input: name }, ...props });
}

function area(name, value, props = {}) {
  return h("textarea", { name, rows: 2, dataset: { input: name }, ...props }, value || "");
}

function select(name, options, value) {
  return h("select", { name, dataset: { input: name } },
    options.map(([v, label]) => h("option", { value: String(v), selected: String(v) === String(value ?? "") }, label)));
}

/** A labelled group of controls (a label element would press its first button when its text is tapped). */
function group(label, control, { name, hint } = {}) {
  return h("div", { class: "field", dataset: name ? { field: name } : {} }, h("span", { class: "field-label" }, label), control,
    hint ? h("span", { class: "field-hint" }, hint) : null, h("span", { class: "field-error", dataset: { error: name || "" } }));
}

/** Puts the server's message under the field it names (exactly, or its first part), else in `fallback`. */
function showError(form, problem, fallback) {
  for (const node of form.querySelectorAll("[data-error]")) node.textContent = "";
  fallback.textContent = "";
  const name = problem.field || "";
  const slot = (name && form.querySelector(`[data-error="${CSS.escape(name)}"]`))
    || (name && form.querySelector(`[data-error="${CSS.escape(name.split(".")[0])}"]`));
  if (!slot) {
    fallback.textContent = problem.detail;
    return;
  }
  slot.textContent = problem.detail;
  slot.closest(".field")?.scrollIntoView({ block: "center" });
}

export default {
  title: "campaign.edit_title",
  async render({ params, navigate, alive }) {
    const creating = params.id === undefined;
    let campaign = null;
    let segments = [];
    let coupons = [];
    let seasons = [];
    try {
      [campaign, segments, coupons, seasons] = await Promise.all([
        creating ? null : api.get(`/api/v1/care/campaigns/${params.id}`),
        api.get("/api/v1/care/segments"),
        api.get("/api/v1/coupon-templates?limit=200"),
        api.get("/api/v1/care/seasons"),
      ]);
    } catch (error) {
      return h("section", { class: "screen" }, h("p", { class: "notice notice-error" }, care.problem(error)));
    }
    if (!alive()) return h("div");
    const back = h("a", { class: "btn btn-quiet", href: "#/campaigns", dataset: { action: "back" } }, svg(icons.back), t("campaign.list_title"));
    if (campaign && !editable(campaign)) {
      return h("section", { class: "screen campaign-form" }, h("header", { class: "screen-head row" }, back),
        h("h1", {}, campaign.name), h("p", { class: "notice" }, t("campaign.chain_read_only")), await effectCard(campaign));
    }
    const c = campaign || { occasion: { kind: "birthday" }, purpose: "marketing", channels: ["push", "inbox", "sms"], quiet_start: "21:00",
                            quiet_end: "09:00", priority: 50, holdout_percent: 10, segment_id: null, theme: null };
    const frozen = !creating && campaign.status !== "draft";
    const message = h("p", { class: "form-message", role: "alert", dataset: { formMessage: "" } });

    // When ------------------------------------------------------------------------------------------
    const name = input("name", { maxLength: 100, value: c.name || "", placeholder: t("campaign.name_placeholder") });
    const kind = select("occasion", care.OCCASIONS.map((k) => [k, t(`care.occasion.${k}`)]), c.occasion.kind);
    const festival = select("festival", care.FESTIVALS.map((f) => [f, t(`care.festival.${f}`)]), c.occasion.festival || "mid_autumn");
    const season = select("season", seasons.length ? seasons.map((s) => [s.id, s.name]) : [["", t("campaign.no_seasons")]], c.occasion.season_id);
    const holiday = input("holiday", { maxLength: 60, value: c.occasion.holiday || "", placeholder: t("campaign.holiday_any") });
    const offsets = toggles("offsets", OFFSETS, (d) => t("campaign.days_before_n", { days: d }));
    offsets.choose(c.occasion.offsets || [60, 30, 7]);
    const number = input("occasion_number", { inputMode: "numeric" });
    const numberField = field("", number, { name: "occasion_number" });
    const paramSlot = h("div", { dataset: { occasionParams: "" } });
    const showParams = () => {
      const k = kind.value;
      const found = NUMBER_PARAM[k];
      if (found) {
        numberField.querySelector(".field-label").textContent = t(`campaign.param.${k}`);
        number.value = String(c.occasion.kind === k && c.occasion[found[0]] != null ? c.occasion[found[0]] : found[1]);
        numberField.querySelector("[data-error]").dataset.error = `occasion.${found[0]}`;
      }
      paramSlot.replaceChildren(...[
        found ? numberField : null,
        k === "festival" ? field(t("campaign.festival"), festival, { name: "occasion.festival" }) : null,
        k === "season" ? field(t("campaign.season"), season, { name: "occasion.season_id" }) : null,
        k === "holiday" ? field(t("campaign.holiday"), holiday, { name: "occasion.holiday" }) : null,
        k === "contract_end" ? field(t("campaign.offsets"), offsets, { name: "occasion.offsets", hint: t("campaign.offsets_hint") }) : null,
        h("p", { class: "muted small" }, t(`care.occasion_hint.${k}`)),
      ].filter(Boolean));
    };
    kind.addEventListener("change", showParams);
    showParams();
    if (frozen) for (const control of paramSlot.querySelectorAll("input, select, button")) control.disabled = true;
    const startsOn = input("starts_on", { type: "date", value: c.starts_on || "" });
    const endsOn = input("ends_on", { type: "date", value: c.ends_on || "" });
    const startsField = field(t("campaign.starts_on"), startsOn, { name: "starts_on" });
    const endsField = field(t("campaign.ends_on"), endsOn, { name: "ends_on", hint: t("campaign.dates_hint") });
    const labelDates = () => {  // a date range is its dates: required there, optional bounds for other occasions
      const needed = kind.value === "date_range";
      startsField.querySelector(".field-label").textContent = t(needed ? "campaign.starts_on_required" : "campaign.starts_on");
      endsField.querySelector(".field-label").textContent = t(needed ? "campaign.ends_on_required" : "campaign.ends_on");
      endsField.querySelector(".field-hint").textContent = t(needed ? "campaign.dates_required_hint" : "campaign.dates_hint");
    };
    kind.addEventListener("change", labelDates);
    labelDates();
    const purpose = segmented("purpose", [["marketing", t("campaign.purpose.marketing")], ["service", t("campaign.purpose.service")]], c.purpose);
    const theme = segmented("theme", THEMES.map((x) => [x, x ? t(`campaign.theme.${x}`) : t("campaign.theme_none")]), c.theme || "");
    if (frozen) { kind.disabled = true; for (const b of purpose.children) b.disabled = true; }

    // Who --------------------------------------------------------------------------------------------
    const segmentOptions = () => [["", t("campaign.audience_all")], ...segments.map((s) => [s.id, s.name])];
    let segment = select("segment", segmentOptions(), c.segment_id);
    const segmentSlot = h("div", { class: "segment-pick" }, segment,
      h("button", { class: "btn", type: "button", dataset: { action: "new-segment" }, onclick: async () => {
        const made = await segmentDialog();
        if (!made) return;
        segments = [made, ...segments];
        const fresh = select("segment", segmentOptions(), made.id);
        segment.replaceWith(fresh);
        segment = fresh;
      } }, svg(icons.capture), t("campaign.new_segment")));
    const holdout = input("holdout_percent", { inputMode: "decimal", value: String(c.holdout_percent), disabled: frozen });

    // What -------------------------------------------------------------------------------------------
    const m = c.message?.templates || {};
    const useMessage = input("use_message", { type: "checkbox", checked: creating || Boolean(c.message) });
    const msgZhTitle = input("msg_zh_title", { maxLength: 60, value: m["zh-CN"]?.title || "" });
    const msgZhBody = area("msg_zh_body", m["zh-CN"]?.body, { maxLength: 500 });
    const msgEnTitle = input("msg_en_title", { maxLength: 60, value: m.en?.title || "" });
    const msgEnBody = area("msg_en_body", m.en?.body, { maxLength: 500 });
    const messageFields = h("div", { class: "grid-2", hidden: !useMessage.checked },
      field(t("campaign.msg_zh_title"), msgZhTitle, { name: "templates.zh-CN.title" }),
      field(t("campaign.msg_en_title"), msgEnTitle, { name: "templates.en.title" }),
      field(t("campaign.msg_zh_body"), msgZhBody, { name: "templates.zh-CN.body" }),
      field(t("campaign.msg_en_body"), msgEnBody, { name: "templates.en.body" }),
      h("p", { class: "muted small field-wide" }, t("campaign.template_fields")));
    useMessage.addEventListener("change", () => { messageFields.hidden = !useMessage.checked; });
    const usable = coupons.filter((x) => x.active || x.id === c.coupon_template_id);
    const coupon = select("coupon_template_id", [["", t("campaign.no_coupon")],
      ...usable.map((x) => [x.id, `${couponText.name(x)} · ${couponText.value(x)}`])], c.coupon_template_id);
    const points = input("points", { inputMode: "numeric", value: c.points ?? "", placeholder: t("campaign.no_points") });
    const s = c.task?.script || {};
    const useTask = input("use_task", { type: "checkbox", checked: Boolean(c.task) });
    const scriptZh = area("script_zh", s["zh-CN"], { maxLength: 1000, rows: 3 });
    const scriptEn = area("script_en", s.en, { maxLength: 1000, rows: 3 });
    const dueDays = input("due_days", { inputMode: "numeric", value: String(c.task?.due_days ?? 2) });
    const taskFields = h("div", { class: "grid-2", hidden: !useTask.checked },
      field(t("campaign.script_zh"), scriptZh, { name: "templates.zh-CN.script" }),
      field(t("campaign.script_en"), scriptEn, { name: "templates.en.script" }),
      field(t("campaign.due_days"), dueDays, { name: "task.due_days", hint: t("campaign.due_days_hint") }));
    useTask.addEventListener("change", () => { taskFields.hidden = !useTask.checked; });

    // How --------------------------------------------------------------------------------------------
    const channels = channelOrder(c.channels);
    const quietStart = input("quiet_start", { type: "time", value: c.quiet_start });
    const quietEnd = input("quiet_end", { type: "time", value: c.quiet_end });
    const priority = input("priority", { inputMode: "numeric", value: String(c.priority) });

    const values = () => {
      const whole = (control, min, max) => {
        const v = control.value.trim();
        return /^\d+$/.test(v) && Number(v) >= min && Number(v) <= max ? Number(v) : NaN;
      };
      const body = { name: name.value.trim(), starts_on: startsOn.value || null, ends_on: endsOn.value || null,
                     segment_id: segment.value ? Number(segment.value) : null, theme: theme.value || null,
                     channels: channels.value(), quiet_start: quietStart.value, quiet_end: quietEnd.value };
      if (!body.name) return { problem: { field: "name", detail: t("campaign.name_required") } };
      body.priority = whole(priority, 0, 100);
      if (Number.isNaN(body.priority)) return { problem: { field: "priority", detail: t("campaign.priority_hint") } };
      if (!body.channels.length) return { problem: { field: "channels", detail: t("campaign.channels_required") } };
      if (!frozen) {
        const occasion = { kind: kind.value };
        const found = NUMBER_PARAM[kind.value];
        if (found) {
          occasion[found[0]] = whole(number, found[0] === "days_before" ? 0 : 1, 3650);
          if (Number.isNaN(occasion[found[0]])) return { problem: { field: `occasion.${found[0]}`, detail: t("form.number_invalid") } };
        }
        if (kind.value === "festival") occasion.festival = festival.value;
        if (kind.value === "season") occasion.season_id = season.value ? Number(season.value) : null;
        if (kind.value === "holiday" && holiday.value.trim()) occasion.holiday = holiday.value.trim();
        if (kind.value === "contract_end") {
          occasion.offsets = offsets.chosen().map(Number).sort((a, b) => b - a);
          if (!occasion.offsets.length) return { problem: { field: "occasion.offsets", detail: t("campaign.offsets_required") } };
        }
        body.occasion = occasion;
        body.purpose = purpose.value;
        const share = holdout.value.trim().replace(",", ".");
        body.holdout_percent = Number(share);
        if (!(share && body.holdout_percent >= 0)) return { problem: { field: "holdout_percent", detail: t("campaign.holdout_invalid") } };
        if (body.holdout_percent > 50) return { problem: { field: "holdout_percent", detail: t("campaign.holdout_too_high", { value: share }) } };
      }
      body.message = null;
      if (useMessage.checked) {
        const templates = { "zh-CN": { title: msgZhTitle.value.trim(), body: msgZhBody.value.trim() } };
        if (!templates["zh-CN"].title) return { problem: { field: "templates.zh-CN.title", detail: t("campaign.required") } };
        if (!templates["zh-CN"].body) return { problem: { field: "templates.zh-CN.body", detail: t("campaign.required") } };
        if (msgEnTitle.value.trim() || msgEnBody.value.trim()) {
          templates.en = { title: msgEnTitle.value.trim(), body: msgEnBody.value.trim() };
          if (!templates.en.title) return { problem: { field: "templates.en.title", detail: t("campaign.en_both") } };
          if (!templates.en.body) return { problem: { field: "templates.en.body", detail: t("campaign.en_both") } };
        }
        body.message = { templates };
      }
      body.coupon_template_id = coupon.value ? Number(coupon.value) : null;
      body.points = points.value.trim() ? whole(points, 1, 100000) : null;
      if (Number.isNaN(body.points)) return { problem: { field: "points", detail: t("campaign.points_hint") } };
      body.task = null;
      if (useTask.checked) {
        const script = { "zh-CN": scriptZh.value.trim() };
        if (!script["zh-CN"]) return { problem: { field: "templates.zh-CN.script", detail: t("campaign.required") } };
        if (scriptEn.value.trim()) script.en = scriptEn.value.trim();
        const due = whole(dueDays, 0, 14);
        if (Number.isNaN(due)) return { problem: { field: "task.due_days", detail: t("campaign.due_days_hint") } };
        body.task = { script, due_days: due };
      }
      return { body };
    };

    const saveAs = (status) => async () => {
      const { body, problem } = values();
      if (problem) return showError(form, problem, message);
      if (creating) body.status = status;
      for (const b of buttons) b.disabled = true;
      try {
        const saved = creating ? await api.post("/api/v1/care/campaigns", body) : await api.patch(`/api/v1/care/campaigns/${campaign.id}`, body);
        toast(t(creating ? "campaign.created" : "campaign.saved", { name: saved.name }), "success");
        navigate("/campaigns");
      } catch (error) {
        showError(form, error instanceof api.ApiError ? { ...error.problem, detail: care.problem(error) } : { detail: care.problem(error) }, message);
      } finally {
        for (const b of buttons) b.disabled = false;
      }
    };
    const buttons = creating ? [
      h("button", { class: "btn btn-large", type: "button", dataset: { action: "save-draft" }, onclick: saveAs("draft") }, t("campaign.save_draft")),
      h("button", { class: "btn btn-primary btn-large", type: "button", dataset: { action: "save-active" }, onclick: saveAs("active") },
        svg(icons.check), t("campaign.save_active")),
    ] : [h("button", { class: "btn btn-primary btn-large", type: "button", dataset: { action: "save-campaign" }, onclick: saveAs(null) },
      svg(icons.check), t("campaign.save"))];

    const state = campaign && care.state(campaign);
    const form = h("form", { class: "screen campaign-form", novalidate: true, onsubmit: (e) => e.preventDefault() },
      h("header", { class: "screen-head row" }, back, h("span", { class: "spacer" }),
        state === "active" ? h("button", { class: "btn btn-primary", type: "button", dataset: { action: "plan" },
                                           onclick: () => planNow(campaign) }, svg(icons.play), t("campaign.plan")) : null),
      h("h1", {}, creating ? t("campaign.new") : t("campaign.edit_named", { name: campaign.name })),
      campaign ? h("p", { class: "muted", dataset: { state } }, t(`campaign.status.${state}`), frozen ? ` · ${t("campaign.frozen")}` : "") : null,
      campaign ? await effectCard(campaign) : null,
      h("div", { class: "card form-card" },
        h("h2", { class: "card-title" }, svg(icons.clock), t("campaign.section_when")),
        field(t("campaign.name"), name, { name: "name" }),
        h("div", { class: "grid-2" },
          h("div", { class: "dialog-fields" }, field(t("campaign.occasion"), kind, { name: "occasion" }), paramSlot),
          h("div", { class: "dialog-fields" },
            field(t("campaign.purpose_label"), purpose, { name: "purpose", hint: t("campaign.purpose_hint") }),
            h("div", { class: "grid-2" }, startsField, endsField))),
        field(t("campaign.theme_label"), theme, { name: "theme" })),
      h("div", { class: "card form-card" },
        h("h2", { class: "card-title" }, svg(icons.staff), t("campaign.section_who")),
        h("div", { class: "grid-2" },
          group(t("campaign.audience"), segmentSlot, { name: "segment_id" }),
          field(t("campaign.holdout_label"), holdout, { name: "holdout_percent", hint: t("campaign.holdout_hint") }))),
      h("div", { class: "card form-card" },
        h("h2", { class: "card-title" }, svg(icons.megaphone), t("campaign.section_what")),
        h("p", { class: "field-error", dataset: { error: "message" } }),
        h("label", { class: "check" }, useMessage, h("strong", {}, t("campaign.use_message"))),
        messageFields,
        h("div", { class: "grid-2" },
          field(t("campaign.coupon"), coupon, { name: "coupon_template_id", hint: t("campaign.coupon_hint") }),
          field(t("campaign.points"), points, { name: "points" })),
        h("label", { class: "check" }, useTask, h("strong", {}, t("campaign.use_task"))),
        taskFields),
      h("div", { class: "card form-card" },
        h("h2", { class: "card-title" }, svg(icons.phone), t("campaign.section_how")),
        group(t("campaign.channels"), channels, { name: "channels", hint: t("campaign.channels_hint") }),
        h("div", { class: "grid-3" },
          field(t("campaign.quiet_start"), quietStart, { name: "quiet_start" }),
          field(t("campaign.quiet_end"), quietEnd, { name: "quiet_end", hint: t("campaign.quiet_hint") }),
          field(t("campaign.priority"), priority, { name: "priority", hint: t("campaign.priority_hint") }))),
      message,
      h("div", { class: "form-actions" }, h("a", { class: "btn btn-large", href: "#/campaigns" }, t("common.cancel")), ...buttons));
    return form;
  },
};
