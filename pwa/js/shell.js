// The frame around every screen: brand, store, online/offline, outbox count, language, user, navigation.

import { clear, confirmDialog, h, svg, toast } from "./dom.js";
import { lang, setLang, t } from "./i18n.js";
import { icons } from "./icons.js";
import * as inboxCount from "./inbox-count.js";
import * as network from "./network.js";
import * as outbox from "./outbox.js";
import { allowed, currentPath } from "./router.js";
import { routes } from "./routes.js";
import * as session from "./session.js";

function navItems() {
  return routes.filter((r) => r.nav && allowed(r));
}

function navLink(route) {
  return h("a", { class: "nav-item", href: `#${route.path}`, dataset: { nav: route.path } },
    svg(icons[route.nav.icon]), h("span", { class: "nav-label" }, t(route.nav.label)),
    route.nav.badge ? h("b", { class: "nav-badge", dataset: { navBadge: route.nav.badge, count: "0" }, hidden: true }) : null);
}

function roleLabel(me) {
  return t(`role.${me.role}`);
}

export function build({ onLogout }) {
  const me = session.current();
  const storeName = me.store_name || t("shell.all_stores");
  const netBadge = h("span", { class: "net", role: "status", dataset: { net: "" } });
  const outboxBadge = h("a", { class: "outbox-badge", href: "#/outbox", dataset: { outboxCount: "0" } });
  const langButton = h("button", {
    class: "btn btn-quiet", type: "button", dataset: { action: "lang" }, "aria-label": t("shell.switch_language"),
    onclick: () => setLang(lang() === "zh-CN" ? "en" : "zh-CN"),
  }, svg(icons.globe), h("span", { class: "hide-narrow" }, t("shell.other_language")),
     h("span", { class: "show-narrow" }, t("shell.other_language_short")));
  const logoutButton = h("button", {
    class: "btn btn-quiet", type: "button", dataset: { action: "logout" }, "aria-label": t("shell.logout"), title: t("shell.logout"),
    onclick: async () => {
      if (!network.isOnline()) return toast(t("shell.logout_offline"), "error");
      const waiting = await outbox.count();
      if (waiting && !(await confirmDialog({ title: t("shell.logout_title"), body: t("shell.logout_pending", { count: waiting }),
                                              ok: t("shell.logout") }))) return;
      onLogout();
    },
  }, svg(icons.logout), h("span", { class: "hide-medium" }, t("shell.logout")));

  const primary = navItems().filter((r) => !r.nav.group && !r.nav.secondary);
  const manager = navItems().filter((r) => r.nav.group === "manager");
  const nav = h("nav", { class: "sidenav", "aria-label": t("shell.navigation") },
    primary.map(navLink),
    manager.length ? h("div", { class: "nav-group" }, t("nav.group_manager")) : null,
    manager.map(navLink));

  const frame = h("div", { class: "app", dataset: { app: "" } },
    h("header", { class: "topbar" },
      h("a", { class: "brand", href: "#/" },
        h("img", { src: "icons/icon-192.png", alt: "", width: 32, height: 32 }),
        h("span", { class: "brand-name" }, t("app.name"))),
      h("span", { class: "store-name", title: storeName, dataset: { store: "" } }, storeName),
      h("span", { class: "spacer" }),
      netBadge,
      outboxBadge,
      langButton,
      h("span", { class: "user hide-narrow", title: me.display_name, dataset: { user: me.username } },
        h("strong", {}, me.display_name), h("small", {}, roleLabel(me))),
      logoutButton),
    h("div", { class: "banner", hidden: true, dataset: { update: "" } },
      h("span", {}, t("shell.update_ready")),
      h("button", { class: "btn btn-primary", type: "button", dataset: { action: "update" },
                    onclick: () => window.dispatchEvent(new CustomEvent("app:update")) }, t("shell.update_now"))),
    nav,
    h("main", { class: "view", tabindex: "-1", dataset: { view: "" } }));

  const showNet = () => {
    const online = network.isOnline();
    netBadge.dataset.net = online ? "online" : "offline";
    clear(netBadge).append(svg(online ? icons.online : icons.offline), h("span", {}, t(online ? "net.online" : "net.offline")));
    document.body.classList.toggle("is-offline", !online);
  };
  const showOutbox = async () => {
    const all = await outbox.list();
    const refused = all.filter((e) => e.state === "refused").length;
    outboxBadge.dataset.outboxCount = String(all.length);
    outboxBadge.classList.toggle("has-refused", refused > 0);
    clear(outboxBadge).append(svg(refused ? icons.alert : icons.outbox),
      h("span", { class: "hide-narrow" }, t(refused ? "outbox.badge_refused" : "outbox.badge")),
      h("b", { dataset: { count: "" } }, String(all.length)));
    outboxBadge.setAttribute("aria-label", t("outbox.badge_label", { count: all.length, refused }));
  };
  const markNav = () => {
    const path = currentPath();
    for (const link of nav.querySelectorAll("[data-nav]")) {
      const target = link.dataset.nav;
      const active = target === "/" ? path === "/" : path === target || path.startsWith(`${target}/`);
      link.classList.toggle("active", active);
      if (active) link.setAttribute("aria-current", "page");
      else link.removeAttribute("aria-current");
    }
    // a phone's bottom bar scrolls sideways: the current screen's item is kept in view
    const current = nav.querySelector("[data-nav][aria-current]");
    if (current && nav.scrollWidth > nav.clientWidth) current.scrollIntoView({ block: "nearest", inline: "nearest" });
  };
  const showUnread = () => {
    for (const badge of nav.querySelectorAll("[data-nav-badge]")) {
      const count = inboxCount.current(badge.dataset.navBadge);
      badge.dataset.count = String(count);
      badge.textContent = count > 99 ? "99+" : String(count);
      badge.hidden = count === 0;
      badge.setAttribute("aria-label", t(`nav.badge_${badge.dataset.navBadge}`, { count }));
    }
  };
  showNet();
  showOutbox();
  markNav();
  showUnread();
  const listeners = [
    ["network:changed", showNet],
    ["outbox:changed", showOutbox],
    ["route:changed", markNav],
    ["inbox:count", showUnread],
  ];
  for (const [name, fn] of listeners) window.addEventListener(name, fn);
  const stopWatching = inboxCount.watch();
  frame.dispose = () => {
    stopWatching();
    for (const [name, fn] of listeners) window.removeEventListener(name, fn);
  };
  return frame;
}
