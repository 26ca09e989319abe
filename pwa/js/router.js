// Hash routing: finds the screen for #/path, loads its module, renders it into the view.
// A screen module's default export: { title: "i18n.key", render(ctx) -> Node }, where ctx has
// params, query, navigate(path) and onLeave(fn) for clean-up (timers, listeners).

import { clear, h } from "./dom.js";
import { t } from "./i18n.js";
import { routes } from "./routes.js";
import * as session from "./session.js";

let view = null;
let leaving = [];
let serial = 0;

function compile(path) {
  const names = [];
  const pattern = path.replace(/:(\w+)/g, (_, name) => { names.push(name); return "([^/]+)"; });
  return { regex: new RegExp(`^${pattern}$`), names };
}

const table = routes.map((route) => ({ ...route, ...compile(route.path) }));

export function allowed(route) {
  const me = session.current();
  return !route.roles || (me && route.roles.includes(me.role));
}

export function match(hash) {
  const [path, search = ""] = (hash.replace(/^#/, "") || "/").split("?");
  for (const route of table) {
    const found = route.regex.exec(path);
    if (found && allowed(route)) {
      const params = Object.fromEntries(route.names.map((name, i) => [name, decodeURIComponent(found[i + 1])]));
      return { route, params, query: new URLSearchParams(search), path };
    }
  }
  return null;
}

export function navigate(path, { replace = false } = {}) {
  const hash = `#${path}`;
  if (replace) {
    history.replaceState(null, "", hash);
    render();
  } else if (location.hash === hash) {
    render();
  } else {
    location.hash = hash;
  }
}

export function currentPath() {
  return (location.hash.replace(/^#/, "") || "/").split("?")[0];
}

export async function render() {
  const mine = ++serial;
  for (const fn of leaving) fn();
  leaving = [];
  const found = match(location.hash) || match("#/");
  window.dispatchEvent(new CustomEvent("route:changed", { detail: found.path }));
  const ctx = {
    params: found.params,
    query: found.query,
    navigate,
    onLeave: (fn) => leaving.push(fn),
    alive: () => mine === serial,
  };
  let node;
  try {
    const module = await found.route.load();
    node = await module.default.render(ctx);
    if (mine !== serial) return;
    document.title = `${t(module.default.title)} · ${t("app.name")}`;
  } catch (error) {
    if (mine !== serial) return;
    console.error(error);
    node = h("section", { class: "screen" }, h("p", { class: "notice notice-error" }, t("error.screen")));
  }
  clear(view).append(node);
  view.focus({ preventScroll: true });
  window.scrollTo(0, 0);
}

export function start(target) {
  view = target;
  window.addEventListener("hashchange", render);
  return render();
}
