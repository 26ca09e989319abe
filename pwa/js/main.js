// Starts the app: messages, the service worker, the session, then the shell or the login screen.

import * as api from "./api.js";
import { clear, h, toast } from "./dom.js";
import * as i18n from "./i18n.js";
import * as network from "./network.js";
import * as outbox from "./outbox.js";
import * as recent from "./recent.js";
import * as redeemed from "./redeemed.js";
import * as relogin from "./relogin.js";
import * as router from "./router.js";
import login from "./screens/login.js";
import * as session from "./session.js";
import * as shell from "./shell.js";

const REPLAY_EVERY_MS = 30000;
const root = document.querySelector("[data-root]");
let frame = null;
let waitingWorker = null;
let loggingInAgain = null;

/** Shows the "new version ready" banner of the current shell while a new worker waits. */
function showUpdate() {
  const banner = document.querySelector("[data-update]");
  if (banner) banner.hidden = !waitingWorker;
}

async function registerWorker() {
  if (!("serviceWorker" in navigator)) return;
  const registration = await navigator.serviceWorker.register("sw.js", { type: "module", scope: "./" });
  const offer = (worker) => {
    waitingWorker = worker;
    showUpdate();
  };
  const watchInstalling = (worker) => {
    worker?.addEventListener("statechange", () => {
      if (worker.state === "installed" && navigator.serviceWorker.controller) offer(worker);
    });
  };
  // A version that was already waiting (the page reloaded, the tablet reopened the app) is offered too.
  if (registration.waiting && navigator.serviceWorker.controller) offer(registration.waiting);
  watchInstalling(registration.installing);
  registration.addEventListener("updatefound", () => watchInstalling(registration.installing));
  let reloading = false;
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    if (waitingWorker && !reloading) {
      reloading = true;
      location.reload();
    }
  });
}

function showLogin() {
  frame?.dispose?.();
  frame = null;
  clear(root).append(login.render({
    onDone: () => {
      showApp();
      outbox.replay();
    },
  }));
}

/** What the last staff member had on screen and in memory goes; the next one starts at home. */
function forgetScreens() {
  recent.forgetAll();
  redeemed.forgetAll();
  history.replaceState(null, "", "#/");
}

function showApp() {
  frame?.dispose?.();
  frame = shell.build({
    onLogout: async () => {
      try {
        await session.logout();
      } catch {
        toast(i18n.t("shell.logout_failed"), "error");
        return;
      }
      forgetScreens();
      showLogin();
    },
  });
  clear(root).append(frame);
  showUpdate();
  router.start(frame.querySelector("[data-view]"));
}

/**
 * The server no longer knows the session: the login comes over the screen, which keeps what was typed. True once the
 * same staff member logged in again (the screen goes on, its refused request sent again); another one starts at home,
 * never seeing the screen. The outbox keeps everyone's entries either way.
 */
function sessionEnded() {
  const before = session.current();
  if (!before) return Promise.resolve(false);
  loggingInAgain ||= relogin.ask(before).then((me) => {
    loggingInAgain = null;
    const same = me.staff_id === before.staff_id;
    if (same) {
      toast(i18n.t("relogin.resumed"), "success");
    } else {
      forgetScreens();
      showApp();
      toast(i18n.t("relogin.other_staff", { name: me.display_name }), "info", 5000);
    }
    outbox.replay();
    return same;
  });
  return loggingInAgain;
}

async function boot() {
  await i18n.init();
  network.init();
  outbox.init();
  api.onSessionEnded(sessionEnded);
  registerWorker().catch((error) => console.warn("service worker:", error));
  const { me, offline } = await session.restore();
  if (offline) network.unreachable();
  if (me) showApp();
  else showLogin();
  if (me) outbox.replay();

  window.addEventListener("online", () => outbox.replay());
  window.addEventListener("network:changed", (event) => { if (event.detail) outbox.replay(); });
  // Tried whatever the header says: the replay itself finds out whether the server answers.
  setInterval(async () => {
    if (session.current() && navigator.onLine && (await outbox.count())) outbox.replay();
  }, REPLAY_EVERY_MS);
  window.addEventListener("outbox:message", (event) => {
    const { type } = event.detail;
    // what the worker's requests saw counts as much as the page's own
    if (type === "outbox:offline") network.unreachable();
    else if (["outbox:sent", "outbox:later", "outbox:refused", "outbox:login"].includes(type)) network.reached();
    if (type === "outbox:login") sessionEnded();
  });
  window.addEventListener("lang:changed", async () => {
    await session.languageChanged();
    if (session.current()) showApp();
    else showLogin();
  });
  window.addEventListener("app:update", () => waitingWorker?.postMessage({ type: "skip-waiting" }));
  navigator.serviceWorker?.addEventListener("message", (event) => {
    if (event.data?.type === "navigate" && new URL(event.data.url).origin === location.origin) location.href = event.data.url;
  });
}

boot().catch((error) => {
  console.error(error);
  clear(root).append(h("p", { class: "notice notice-error" }, String(error)));
});
