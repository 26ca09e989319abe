// Money as clerks type it (yuan) and as the API keeps it (integer fen). Pure: runs under Node too.

/** "129", "129.5", "¥129.50" in integer fen; null when it is not an amount of 0 or more. */
export function fenOf(text) {
  const typed = String(text ?? "").trim().replace(/^[¥￥]/, "");
  if (!/^\d{1,9}(\.\d{1,2})?$/.test(typed)) return null;
  const [whole, part = ""] = typed.split(".");
  return Number(whole) * 100 + Number(part.padEnd(2, "0"));
}

/** Fen as a yuan amount for an input: 12950 -> "129.5", 12900 -> "129". */
export function yuanOf(fen) {
  if (fen === null || fen === undefined) return "";
  const whole = Math.trunc(fen / 100);
  const part = String(Math.abs(fen % 100)).padStart(2, "0").replace(/0+$/, "");
  return part ? `${whole}.${part}` : String(whole);
}
