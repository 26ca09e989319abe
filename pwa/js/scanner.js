// Reads a QR code from the tablet's camera: the browser's BarcodeDetector where it knows QR codes,
// otherwise jsQR in a worker. The page shows the video; this module owns the camera and the decoding.

const EVERY_MS = 120;
const MAX_WIDTH = 800;

export class ScanError extends Error {
  constructor(reason) {
    super(reason);
    this.reason = reason; // "insecure", "no-camera", "denied", "busy", "no-decoder"
  }
}

async function nativeDetector() {
  if (!("BarcodeDetector" in globalThis)) return null;
  try {
    const formats = await globalThis.BarcodeDetector.getSupportedFormats();
    if (!formats.includes("qr_code")) return null;
    const detector = new globalThis.BarcodeDetector({ formats: ["qr_code"] });
    return async (video) => {
      const found = await detector.detect(video);
      return found.length ? found[0].rawValue : null;
    };
  } catch {
    return null;
  }
}

function workerDetector() {
  return new Promise((resolve) => {
    let worker;
    try {
      worker = new Worker(new URL("./qr-worker.js", import.meta.url));
    } catch {
      resolve(null);
      return;
    }
    const canvas = document.createElement("canvas");
    const context = canvas.getContext("2d", { willReadFrequently: true });
    const pending = new Map();
    let serial = 0;
    worker.addEventListener("error", () => resolve(null));
    worker.addEventListener("message", (event) => {
      const message = event.data;
      if (message.type === "ready") {
        if (!message.ready) {
          worker.terminate();
          resolve(null);
          return;
        }
        const detect = (video) => new Promise((done) => {
          const scale = Math.min(1, MAX_WIDTH / video.videoWidth);
          canvas.width = Math.round(video.videoWidth * scale);
          canvas.height = Math.round(video.videoHeight * scale);
          context.drawImage(video, 0, 0, canvas.width, canvas.height);
          const frame = context.getImageData(0, 0, canvas.width, canvas.height);
          const id = ++serial;
          pending.set(id, done);
          worker.postMessage({ id, width: frame.width, height: frame.height, pixels: frame.data.buffer }, [frame.data.buffer]);
        });
        detect.close = () => worker.terminate();
        resolve(detect);
      } else if (message.type === "frame") {
        pending.get(message.id)?.(message.text);
        pending.delete(message.id);
      }
    });
  });
}

/** Whether the clerk already allowed the camera (then scanning may start without a tap). */
export async function cameraAllowed() {
  try {
    return (await navigator.permissions.query({ name: "camera" })).state === "granted";
  } catch {
    return false;
  }
}

/**
 * Shows the camera in `video` and calls `onCode(text)` once, for the first QR code read; then stops.
 * Resolves with { stop(), kind } once the camera runs; rejects with a ScanError saying why it cannot.
 */
export async function start(video, onCode) {
  if (!window.isSecureContext || !navigator.mediaDevices?.getUserMedia) throw new ScanError("insecure");
  const detect = (await nativeDetector()) || (await workerDetector());
  if (!detect) throw new ScanError("no-decoder");
  const kind = detect.close ? "worker" : "native";
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({
      audio: false,
      video: { facingMode: { ideal: "environment" }, width: { ideal: 1280 }, height: { ideal: 720 } },
    });
  } catch (error) {
    detect.close?.();
    const reason = error.name === "NotAllowedError" || error.name === "SecurityError" ? "denied"
      : error.name === "NotReadableError" || error.name === "AbortError" ? "busy" : "no-camera";
    throw new ScanError(reason);
  }
  video.srcObject = stream;
  video.muted = true;
  video.setAttribute("playsinline", "");
  await video.play().catch(() => null);

  let stopped = false;
  let timer = null;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    clearTimeout(timer);
    for (const track of stream.getTracks()) track.stop();
    video.srcObject = null;
    detect.close?.();
  };
  const tick = async () => {
    if (stopped) return;
    if (video.readyState >= 2 && video.videoWidth) {
      let text = null;
      try {
        text = await detect(video);
      } catch {
        text = null;
      }
      if (stopped) return;
      if (text) {
        stop();
        onCode(text);
        return;
      }
    }
    timer = setTimeout(tick, EVERY_MS);
  };
  tick();
  return { stop, kind };
}
