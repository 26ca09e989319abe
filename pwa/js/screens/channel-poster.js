// Manager: a channel code's poster (the server's print-ready PNG: store name, QR, call to action), to print from the
// tablet (only the poster goes to paper) or to download for a print shop.

import * as api from "../api.js";
import { h, svg } from "../dom.js";
import { t } from "../i18n.js";
import { icons } from "../icons.js";

export default {
  title: "channels.poster_title",
  async render({ params, alive }) {
    let channel;
    try {
      channel = await api.get(`/api/v1/channels/${params.id}`);
    } catch (error) {
      const message = error instanceof api.Unreachable ? t("net.needs_network") : error.problem?.detail;
      return h("section", { class: "screen" }, h("p", { class: "notice notice-error" }, message));
    }
    if (!alive()) return h("div");
    const src = `/api/v1/channels/${channel.id}/poster.png`;
    const image = h("img", { class: "poster-image", src, alt: t("channels.poster_alt", { name: channel.name }), dataset: { poster: src } });
    const print = h("button", { class: "btn btn-primary btn-large", type: "button", dataset: { action: "print" }, disabled: true,
                                onclick: () => window.print() }, svg(icons.print), t("channels.print"));
    image.addEventListener("load", () => { print.disabled = false; });
    return h("section", { class: "screen poster-screen" },
      h("header", { class: "screen-head row", dataset: { noPrint: "" } },
        h("a", { class: "btn btn-quiet", href: `#/channels/${channel.id}`, dataset: { action: "back" } }, svg(icons.back), channel.name),
        h("span", { class: "spacer" }),
        h("a", { class: "btn btn-large", href: src, download: `poster-${channel.code}.png`, dataset: { action: "download-poster" } },
          svg(icons.download), t("channels.download_poster")),
        print),
      h("p", { class: "muted", dataset: { noPrint: "" } }, t("channels.poster_lead")),
      h("div", { class: "poster-sheet" }, image));
  },
};
