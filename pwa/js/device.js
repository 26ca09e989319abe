// A name for this tablet in redemption records (which counter redeemed): made once, kept on the tablet.

const STORAGE_KEY = "regulars.device";

export function deviceName() {
  let name = localStorage.getItem(STORAGE_KEY);
  if (!name) {
    const bytes = crypto.getRandomValues(new Uint8Array(4));
    name = `pwa-${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
    localStorage.setItem(STORAGE_KEY, name);
  }
  return name;
}
