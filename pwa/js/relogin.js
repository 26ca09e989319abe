// The session ended under the clerk's hands: logging in again in a dialog over the screen, so what they typed stays.

import * as api from "./api.js";
import { formDialog } from "./dialog.js";
import { field, h } from "./dom.js";
import { t } from "./i18n.js";
import * as session from "./session.js";

/** Asks whoever holds the tablet to log in, `before` (who was logged in) offered; resolves with who did. */
export function ask(before) {
  const username = h("input", { name: "username", autocomplete: "username", required: true, autocapitalize: "none",
                                spellcheck: false, value: before.username, dataset: { input: "username" } });
  const password = h("input", { name: "password", type: "password", autocomplete: "current-password", required: true,
                                autofocus: true, dataset: { input: "password" } });
  return formDialog({
    name: "relogin",
    title: t("relogin.title"),
    lead: t("relogin.lead"),
    content: h("div", { class: "dialog-fields" },
      field(t("login.username"), username, { name: "username" }),
      field(t("login.password"), password, { name: "password" })),
    ok: t("relogin.submit"),
    cancel: null,
    onOk: async ({ say }) => {
      try {
        return await session.login(username.value.trim(), password.value);
      } catch (error) {
        say(error instanceof api.Unreachable ? t("login.offline") : error.problem?.detail || t("login.failed"));
        password.select();
        return undefined;
      }
    },
  });
}
