// Staff login: username and password; the language can be switched before logging in.

import * as api from "../api.js";
import { h, svg } from "../dom.js";
import { lang, setLang, t } from "../i18n.js";
import { icons } from "../icons.js";
import * as network from "../network.js";
import * as session from "../session.js";

export default {
  title: "login.title",
  render({ onDone }) {
    const username = h("input", { name: "username", autocomplete: "username", required: true, autocapitalize: "none",
                                  spellcheck: false, dataset: { input: "username" } });
    const password = h("input", { name: "password", type: "password", autocomplete: "current-password", required: true,
                                  dataset: { input: "password" } });
    const message = h("p", { class: "form-message", role: "alert", dataset: { message: "" } });
    const submit = h("button", { class: "btn btn-primary btn-block btn-large", type: "submit", dataset: { action: "login" } },
      t("login.submit"));
    const form = h("form", {
      class: "login-card card",
      onsubmit: async (event) => {
        event.preventDefault();
        message.textContent = "";
        submit.disabled = true;
        try {
          await session.login(username.value.trim(), password.value);
          onDone();
        } catch (error) {
          if (error instanceof api.Unreachable) message.textContent = t("login.offline");
          else message.textContent = error.problem?.detail || t("login.failed");
          password.select();
        } finally {
          submit.disabled = false;
        }
      },
    },
      h("div", { class: "login-brand" },
        h("img", { src: "icons/icon-192.png", alt: "", width: 64, height: 64 }),
        h("div", {}, h("h1", {}, t("app.name")), h("p", { class: "muted" }, t("login.tagline")))),
      h("label", { class: "field" }, h("span", { class: "field-label" }, t("login.username")), username),
      h("label", { class: "field" }, h("span", { class: "field-label" }, t("login.password")), password),
      message,
      submit,
      !network.isOnline() ? h("p", { class: "notice notice-warn" }, t("login.offline")) : null,
      h("button", { class: "btn btn-quiet", type: "button", dataset: { action: "lang" },
                    onclick: () => setLang(lang() === "zh-CN" ? "en" : "zh-CN") },
        svg(icons.globe), t("shell.other_language")));
    setTimeout(() => username.focus(), 0);
    return h("div", { class: "login-page" }, form);
  },
};
