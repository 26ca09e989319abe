// The counter's event stream (/api/v1/counter/events): redemptions as they happen, and whether the stream is up.
// The browser reconnects a dropped stream by itself (sending Last-Event-ID); a stream the server closed
// (a restart behind a proxy, a 5xx) is opened anew here with ?after= the last event seen, so none is missed.

const PATH = "/api/v1/counter/events";
const RETRY_MS = [1000, 2000, 5000, 10000, 15000];
const AWAY_MS = 30000;

/**
 * open({ onEvent(kind, data), onState(state) }) -> { close() }
 * States: "connecting" (first time), "live", "reconnecting".
 */
export function open({ onEvent, onState, kinds = ["redeemed"] }) {
  let source = null;
  let lastId = null;
  let failures = 0;
  let timer = null;
  let closed = false;
  let state = "";

  const set = (next) => {
    if (next === state) return;
    state = next;
    onState?.(next);
  };

  const connect = () => {
    if (closed) return;
    const url = lastId === null ? PATH : `${PATH}?after=${encodeURIComponent(lastId)}`;
    source = new EventSource(url, { withCredentials: true });
    source.addEventListener("ready", (event) => {
      // Where the server starts this stream: a stream opened anew resumes here, whether or not anything arrived.
      if (event.lastEventId && lastId === null) lastId = event.lastEventId;
      failures = 0;
      set("live");
    });
    source.addEventListener("open", () => { failures = 0; });
    for (const kind of kinds) {
      source.addEventListener(kind, (event) => {
        if (event.lastEventId) lastId = event.lastEventId;
        let data;
        try {
          data = JSON.parse(event.data);
        } catch {
          return;
        }
        onEvent?.(kind, data);
      });
    }
    source.addEventListener("error", () => {
      if (closed) return;
      set("reconnecting");
      if (source.readyState === EventSource.CLOSED) {
        source = null;
        clearTimeout(timer);
        timer = setTimeout(connect, RETRY_MS[Math.min(failures, RETRY_MS.length - 1)]);
        failures += 1;
      }
    });
  };

  // Back on the network (or awake again): a stream from before may be a dead connection the browser has not noticed
  // yet, so open a new one from the last event seen rather than wait for it to time out.
  const restart = () => {
    if (closed) return;
    clearTimeout(timer);
    source?.close();
    source = null;
    set("reconnecting");
    connect();
  };
  const online = () => restart();
  let hiddenAt = 0;
  const visibility = () => {
    if (document.visibilityState === "hidden") hiddenAt = Date.now();
    else if (hiddenAt && Date.now() - hiddenAt > AWAY_MS) restart();
  };
  document.addEventListener("visibilitychange", visibility);
  window.addEventListener("online", online);
  set("connecting");
  connect();

  return {
    close() {
      closed = true;
      clearTimeout(timer);
      window.removeEventListener("online", online);
      document.removeEventListener("visibilitychange", visibility);
      source?.close();
      source = null;
    },
    get state() {
      return state;
    },
  };
}
