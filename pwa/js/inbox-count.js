// The counts behind the navigation's badges: unread staff messages, and open care tasks.
// Asked on start, every minute, back online, and whenever a screen or the service worker says something changed.

import * as api from "./api.js";
import * as network from "./network.js";

const EVERY_MS = 60000;
const counts = { inbox: 0, tasks: 0 };

export function current(name = "inbox") {
  return counts[name];
}

async function ask() {
  const [page, tasks] = await Promise.all([
    api.get("/api/v1/inbox?limit=1").catch(() => null),
    api.get("/api/v1/care/tasks").catch(() => null),
  ]);
  if (page) counts.inbox = page.unread;
  // every open task, as the task list and the home screen count them (a task due in three days is today's work too)
  if (tasks) counts.tasks = tasks.filter((task) => task.status === "open").length;
}

export async function refresh() {
  if (!network.isOnline()) return counts;
  await ask();
  window.dispatchEvent(new CustomEvent("inbox:count", { detail: { ...counts } }));
  return counts;
}

/** Starts watching; returns a function that stops it. */
export function watch() {
  const changed = () => refresh();
  const fromWorker = (event) => { if (event.data?.type === "inbox:push") refresh(); };
  const backOnline = (event) => { if (event.detail) refresh(); };
  const timer = setInterval(changed, EVERY_MS);
  window.addEventListener("inbox:changed", changed);
  window.addEventListener("tasks:changed", changed);
  window.addEventListener("network:changed", backOnline);
  navigator.serviceWorker?.addEventListener("message", fromWorker);
  refresh();
  return () => {
    clearInterval(timer);
    window.removeEventListener("inbox:changed", changed);
    window.removeEventListener("tasks:changed", changed);
    window.removeEventListener("network:changed", backOnline);
    navigator.serviceWorker?.removeEventListener("message", fromWorker);
  };
}
