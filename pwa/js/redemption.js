// Coupon codes as clerks read them, and what the server's answer to a redemption means at the counter.
// Pure: no DOM, no network.

export const ANSWERS = ["redeemed", "already_redeemed", "expired", "void", "wrong_store", "unknown", "not_yet_valid",
                        "min_spend", "spend_needed", "error"];

/** The answer for an HTTP status and its problem+json body (`reason` names the refusal). */
export function answerOf(status, problem = {}) {
  const reason = problem && problem.reason;
  if (status === 200 || status === 201) return "redeemed";
  if (status === 409 && reason === "already_redeemed") return "already_redeemed";
  if (status === 410) return reason === "void" ? "void" : "expired";
  if (status === 403 && reason === "wrong_store") return "wrong_store";
  if (status === 404) return "unknown";
  if (status === 422 && reason === "not_yet_valid") return "not_yet_valid";
  if (status === 422 && reason === "min_spend") return "min_spend";
  if (status === 422 && reason === "spend_needed") return "spend_needed";
  return "error";
}

/**
 * ABCD-EFGH-JKM*: the code in groups of four, as people read it aloud. Only separators are dropped, as the
 * server does: the last character is a check symbol, which may be one of * ~ $ = U.
 */
export function groupCode(code) {
  const plain = String(code ?? "").trim().toUpperCase().replace(/[\s-]/g, "");
  return plain.match(/.{1,4}/g)?.join("-") || "";
}
