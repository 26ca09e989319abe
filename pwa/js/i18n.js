// Every string the app shows comes from i18n/<lang>.json; zh-CN unless the clerk chose English.

export const LANGUAGES = ["zh-CN", "en"];
const STORAGE_KEY = "regulars.lang";

let current = "zh-CN";
let messages = {};
let fallback = {};

export function lang() {
  return current;
}

async function load(code) {
  const response = await fetch(new URL(`../i18n/${code}.json`, import.meta.url));
  if (!response.ok) throw new Error(`messages ${code}: ${response.status}`);
  return response.json();
}

export async function init() {
  const saved = localStorage.getItem(STORAGE_KEY);
  current = LANGUAGES.includes(saved) ? saved : "zh-CN";
  fallback = await load("zh-CN");
  messages = current === "zh-CN" ? fallback : await load(current);
  document.documentElement.lang = current;
}

export async function setLang(code) {
  if (!LANGUAGES.includes(code) || code === current) return;
  messages = code === "zh-CN" ? fallback : await load(code);
  current = code;
  localStorage.setItem(STORAGE_KEY, code);
  document.documentElement.lang = code;
  window.dispatchEvent(new CustomEvent("lang:changed", { detail: code }));
}

/** The message for `key` with {name} placeholders filled; the key itself if it is missing. */
export function t(key, params = {}) {
  const template = messages[key] ?? fallback[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

/** The message for `key`, or `otherwise` when no catalogue has it (values named by other modules). */
export function tOr(key, otherwise, params = {}) {
  return key in messages || key in fallback ? t(key, params) : otherwise;
}

/** Fills `data-i18n` (text) and `data-i18n-<attr>` (attributes) under `root`. */
export function translate(root = document) {
  for (const node of root.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  for (const node of root.querySelectorAll("[data-i18n-placeholder]")) node.placeholder = t(node.dataset.i18nPlaceholder);
  for (const node of root.querySelectorAll("[data-i18n-aria-label]")) node.setAttribute("aria-label", t(node.dataset.i18nAriaLabel));
}
