// Decodes QR codes from camera frames off the page's thread, with jsQR (copied to vendor/ by `make pwa-vendor`).
// A classic worker: jsQR ships as a UMD script, which importScripts loads as it is.

let ready = false;
try {
  importScripts("../vendor/jsQR.js");
  ready = typeof self.jsQR === "function";
} catch {
  ready = false;
}
self.postMessage({ type: "ready", ready });

self.addEventListener("message", (event) => {
  const { id, width, height, pixels } = event.data;
  let text = null;
  if (ready) {
    const found = self.jsQR(new Uint8ClampedArray(pixels), width, height, { inversionAttempts: "attemptBoth" });
    text = found && found.data ? found.data : null;
  }
  self.postMessage({ type: "frame", id, text });
});
