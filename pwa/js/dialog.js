// Modal forms and pickers: a title, content, and one primary action that may refuse to close.

import { h, showModal } from "./dom.js";
import { t } from "./i18n.js";

/**
 * Opens a modal with `content`. `onOk({ say })` runs when the primary button is tapped: it returns the value
 * to close with, or undefined to stay open (after `say(text)` told the clerk why). Resolves null on cancel, Escape
 * or leaving the screen; with `cancel: null` it has no cancel and stays open until `onOk` closes it.
 */
export function formDialog({ name, title, lead, content, ok = t("common.confirm"), cancel = t("common.cancel"), danger = false, onOk }) {
  return new Promise((resolve) => {
    const dialog = h("dialog", { class: "dialog dialog-wide", dataset: { dialog: name } });
    const message = h("p", { class: "form-message", role: "alert", dataset: { dialogMessage: "" } });
    const okButton = h("button", { class: danger ? "btn btn-danger-solid" : "btn btn-primary", type: "submit",
                                   dataset: { action: "confirm" } }, ok);
    const finish = (value) => { if (close()) resolve(value); };
    const form = h("form", {
      class: "dialog-form", novalidate: true,
      onsubmit: async (event) => {
        event.preventDefault();
        if (okButton.disabled) return;
        okButton.disabled = true;
        message.textContent = "";
        try {
          const value = await onOk({ say: (text) => { message.textContent = text; } });
          if (value !== undefined) finish(value);
        } finally {
          okButton.disabled = false;
        }
      },
    },
      h("h2", { class: "dialog-title" }, title),
      lead ? h("p", { class: "dialog-body" }, lead) : null,
      content,
      message,
      h("div", { class: "dialog-actions" },
        cancel === null ? null
          : h("button", { class: "btn", type: "button", dataset: { action: "cancel" }, onclick: () => finish(null) }, cancel),
        okButton));
    dialog.append(form);
    const close = showModal(dialog, cancel === null ? null : () => finish(null));
  });
}

/**
 * A list of choices, one tapped to pick it: resolves with the chosen item, or null. `describe(item)` gives
 * { title, lines, disabled, note } for each.
 */
export function pickDialog({ name, title, lead, items, describe, empty }) {
  return new Promise((resolve) => {
    const dialog = h("dialog", { class: "dialog dialog-wide", dataset: { dialog: name } });
    const finish = (value) => { if (close()) resolve(value); };
    const list = h("ul", { class: "choices" }, items.map((item) => {
      const shown = describe(item);
      return h("li", {}, h("button", {
        class: "choice", type: "button", disabled: Boolean(shown.disabled), dataset: { choice: String(item.id) },
        onclick: () => finish(item),
      },
        h("strong", { class: "choice-title" }, shown.title),
        ...(shown.lines || []).filter(Boolean).map((line) => h("span", { class: "choice-line" }, line)),
        shown.note ? h("span", { class: "choice-note" }, shown.note) : null));
    }));
    dialog.append(
      h("h2", { class: "dialog-title" }, title),
      lead ? h("p", { class: "dialog-body" }, lead) : null,
      items.length ? list : h("p", { class: "notice", dataset: { notice: "empty" } }, empty),
      h("div", { class: "dialog-actions" },
        h("button", { class: "btn", type: "button", dataset: { action: "cancel" }, onclick: () => finish(null) }, t("common.cancel"))));
    const close = showModal(dialog, () => finish(null));
  });
}

/** Tells the clerk something that needs reading (what just happened); one button closes it. */
export function noticeDialog({ name, title, content, ok = t("common.ok") }) {
  return new Promise((resolve) => {
    const dialog = h("dialog", { class: "dialog dialog-wide", dataset: { dialog: name } });
    const finish = () => { if (close()) resolve(); };
    dialog.append(
      h("h2", { class: "dialog-title" }, title),
      h("div", { class: "dialog-body" }, content),
      h("div", { class: "dialog-actions" },
        h("button", { class: "btn btn-primary", type: "button", dataset: { action: "confirm" }, onclick: finish }, ok)));
    const close = showModal(dialog, finish);
  });
}
