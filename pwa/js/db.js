// The only module that knows the IndexedDB schema. Shared by the page and the service worker.
//
//   outbox  writes made on this tablet, waiting for the server, in tap order
//           { seq (auto), key (Idempotency-Key, unique), kind, method, path, ref, body, staffId,
//             createdAt, state: "pending" | "refused", attempts, problem, label }
//   refs    a customer captured offline ("local:<key>") and the id the server gave it
//           { local, id, at }
//   meta    small values the worker needs without a page: { name, value } (me, csrf, lang)

const NAME = "regulars";
const VERSION = 1;

let opening = null;

export function open() {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      const request = indexedDB.open(NAME, VERSION);
      request.onupgradeneeded = () => {
        const db = request.result;
        if (!db.objectStoreNames.contains("outbox")) {
          const outbox = db.createObjectStore("outbox", { keyPath: "seq", autoIncrement: true });
          outbox.createIndex("key", "key", { unique: true });
        }
        if (!db.objectStoreNames.contains("refs")) db.createObjectStore("refs", { keyPath: "local" });
        if (!db.objectStoreNames.contains("meta")) db.createObjectStore("meta", { keyPath: "name" });
      };
      request.onsuccess = () => {
        const db = request.result;
        db.onversionchange = () => { db.close(); opening = null; };
        resolve(db);
      };
      request.onerror = () => { opening = null; reject(request.error); };
      request.onblocked = () => reject(new Error("indexeddb blocked"));
    });
  }
  return opening;
}

function done(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function run(storeNames, mode, work) {
  const db = await open();
  const tx = db.transaction(storeNames, mode);
  const finished = new Promise((resolve, reject) => {
    tx.oncomplete = resolve;
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error || new Error("transaction aborted"));
  });
  const result = await work(tx);
  await finished;
  return result;
}

// outbox ---------------------------------------------------------------------------------

export function addEntry(entry) {
  return run(["outbox"], "readwrite", (tx) => done(tx.objectStore("outbox").add(entry)));
}

export function entries() {
  return run(["outbox"], "readonly", (tx) => done(tx.objectStore("outbox").getAll()));
}

export function entryByKey(key) {
  return run(["outbox"], "readonly", (tx) => done(tx.objectStore("outbox").index("key").get(key)));
}

export function putEntry(entry) {
  return run(["outbox"], "readwrite", (tx) => done(tx.objectStore("outbox").put(entry)));
}

export function deleteEntries(seqs) {
  return run(["outbox"], "readwrite", async (tx) => {
    const store = tx.objectStore("outbox");
    await Promise.all(seqs.map((seq) => done(store.delete(seq))));
  });
}

/** Removes a sent entry and, for a capture, records the server id, in one transaction. */
export function completeEntry(seq, ref) {
  return run(["outbox", "refs"], "readwrite", async (tx) => {
    if (ref) await done(tx.objectStore("refs").put(ref));
    await done(tx.objectStore("outbox").delete(seq));
  });
}

// refs -----------------------------------------------------------------------------------

export function ref(local) {
  return run(["refs"], "readonly", (tx) => done(tx.objectStore("refs").get(local)));
}

export function putRef(value) {
  return run(["refs"], "readwrite", (tx) => done(tx.objectStore("refs").put(value)));
}

// meta -----------------------------------------------------------------------------------

export async function getMeta(name) {
  const row = await run(["meta"], "readonly", (tx) => done(tx.objectStore("meta").get(name)));
  return row ? row.value : undefined;
}

export function setMeta(name, value) {
  return run(["meta"], "readwrite", (tx) => done(tx.objectStore("meta").put({ name, value })));
}

export function deleteMeta(name) {
  return run(["meta"], "readwrite", (tx) => done(tx.objectStore("meta").delete(name)));
}
