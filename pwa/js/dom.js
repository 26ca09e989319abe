// Building DOM without innerHTML (user data never becomes markup), toasts and confirmations.

import { t } from "./i18n.js";

/** h("button", { class: "btn", dataset: { action: "save" }, onclick }, "text", node, [more]) */
export function h(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "class") node.className = value;
    else if (name === "dataset") Object.assign(node.dataset, value);
    else if (name === "style" && typeof value === "object") Object.assign(node.style, value);
    else if (name.startsWith("on") && typeof value === "function") node.addEventListener(name.slice(2), value);
    else if (name in node && typeof value !== "string") node[name] = value;
    else node.setAttribute(name, value === true ? "" : value);
  }
  append(node, children);
  return node;
}

/** node.append() that skips null, undefined and false (conditional children). */
export function append(node, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(node, child);
    else node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function svg(markup) {
  const span = document.createElement("span");
  span.className = "icon";
  span.setAttribute("aria-hidden", "true");
  span.innerHTML = markup; // trusted: icons.js only
  return span;
}

export function clear(node) {
  while (node.firstChild) node.firstChild.remove();
  return node;
}

export function toast(message, kind = "info", ms = 3500) {
  const box = document.querySelector("[data-toasts]");
  if (!box) return;
  const item = h("div", { class: `toast toast-${kind}`, role: kind === "error" ? "alert" : "status" }, message);
  while (box.children.length >= 2) box.firstChild.remove();
  box.append(item);
  setTimeout(() => item.remove(), ms);
}

/**
 * Shows `dialog` as a modal; `dismiss()` runs on Escape and when the screen changes (a route change: a question
 * asked on one screen must not be answered on another). Without `dismiss` it stays until answered, whatever the
 * screen below does. Returns close(), true the first time it closes it.
 */
export function showModal(dialog, dismiss = null) {
  let open = true;
  const escape = (event) => { event.preventDefault(); dismiss?.(); };
  dialog.addEventListener("cancel", escape);
  // the browser may close a modal on Escape anyway (no tap since the last one): one that must be answered comes back
  if (!dismiss) dialog.addEventListener("close", () => { if (open) dialog.showModal(); });
  if (dismiss) window.addEventListener("route:changed", dismiss);
  document.body.append(dialog);
  dialog.showModal();
  return () => {
    if (!open) return false;
    open = false;
    if (dismiss) window.removeEventListener("route:changed", dismiss);
    dialog.close();
    dialog.remove();
    return true;
  };
}

/** A modal question; resolves true when the clerk confirms, false on cancel, Escape or leaving the screen. */
export function confirmDialog({ title, body, ok = t("common.confirm"), cancel = t("common.cancel"), danger = false }) {
  return new Promise((resolve) => {
    const dialog = h("dialog", { class: "dialog", dataset: { dialog: "confirm" } });
    const finish = (value) => { if (close()) resolve(value); };
    dialog.append(
      h("h2", { class: "dialog-title" }, title),
      body ? h("div", { class: "dialog-body" }, body) : null,
      h("div", { class: "dialog-actions" },
        h("button", { class: "btn", type: "button", dataset: { action: "cancel" }, onclick: () => finish(false) }, cancel),
        h("button", { class: danger ? "btn btn-danger" : "btn btn-primary", type: "button", dataset: { action: "confirm" },
                      onclick: () => finish(true) }, ok)),
    );
    const close = showModal(dialog, () => finish(false));
  });
}

export function field(label, control, { hint, name, wide } = {}) {
  // A label wrapping a group of buttons would press the first of them when its text is tapped.
  const group = control instanceof Element && control.matches(".segmented, .birthday-row, .chip-editor");
  return h(group ? "div" : "label", { class: wide ? "field field-wide" : "field", dataset: name ? { field: name } : {} },
    h("span", { class: "field-label" }, label),
    control,
    hint ? h("span", { class: "field-hint" }, hint) : null,
    h("span", { class: "field-error", dataset: { error: name || "" } }));
}

/** Shows a problem's message under the field it names, or returns false when it names none shown. */
export function showFieldError(form, problem) {
  for (const node of form.querySelectorAll("[data-error]")) node.textContent = "";
  const name = (problem.field || "").split(".")[0];
  const slot = name && form.querySelector(`[data-error="${CSS.escape(name)}"]`);
  if (!slot) return false;
  slot.textContent = problem.detail;
  slot.closest("details")?.setAttribute("open", "");
  slot.closest(".field")?.querySelector("input, select, textarea")?.focus();
  return true;
}

export function segmented(name, options, value, onchange) {
  const group = h("div", { class: "segmented", role: "radiogroup", dataset: { segmented: name } });
  for (const [optionValue, label] of options) {
    const button = h("button", {
      type: "button", class: "segment", role: "radio", "aria-checked": String(optionValue === value),
      dataset: { value: optionValue === null ? "" : String(optionValue) },
      onclick: () => {
        for (const other of group.children) other.setAttribute("aria-checked", String(other === button));
        group.value = optionValue;
        onchange?.(optionValue);
      },
    }, label);
    group.append(button);
  }
  group.value = value;
  return group;
}
