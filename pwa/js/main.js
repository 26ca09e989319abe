// Starts the app: messages, the service worker, the session, then the shell or the login screen.

import { clear, h, toast } from "./dom.js";
import * as i18n from "./i18n.js";
import * as network from "./network.js";
import * as outbox from "./outbox.js";
import * as recent from "./recent.js";
import * as redeemed from "./redeemed.js";
import * as router from "./router.js";
import login from "./screens/login.js";
import * as session from "./session.js";
import * as shell from "./shell.js";

const REPLAY_EVERY_MS = 30000;
const root = document.querySelector("[data-root]");
let frame = null;
let waitingWorker = null;

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
      recent.forgetAll();
      redeemed.forgetAll();
      history.replaceState(null, "", "#/");
      showLogin();
    },
  });
  clear(root).append(frame);
  showUpdate();
  router.start(frame.querySelector("[data-view]"));
}

async function boot() {
  await i18n.init();
  network.init();
  outbox.init();
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
  window.addEventListener("session:expired", () => {
    if (session.current()) {
      toast(i18n.t("shell.session_expired"), "error");
      showLogin();
    }
  });
  window.addEventListener("outbox:message", (event) => {
    const { type } = event.detail;
    // what the worker's requests saw counts as much as the page's own
    if (type === "outbox:offline") network.unreachable();
    else if (["outbox:sent", "outbox:later", "outbox:refused", "outbox:login"].includes(type)) network.reached();
    if (type === "outbox:login" && session.current()) {
      toast(i18n.t("shell.session_expired"), "error");
      showLogin();
    }
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
