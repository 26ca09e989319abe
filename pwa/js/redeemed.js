// Redemptions made on this tablet since the app was opened, newest first: a one-tap way back to a
// redemption a manager needs to reverse. In memory only, like recent.js.

const LIMIT = 20;
const list = [];

export function remember(redemption) {
  const at = list.findIndex((r) => r.coupon.id === redemption.coupon.id);
  if (at >= 0) list.splice(at, 1);
  list.unshift(redemption);
  list.length = Math.min(list.length, LIMIT);
}

export function recent() {
  return [...list];
}

export function forget(couponId) {
  const at = list.findIndex((r) => r.coupon.id === couponId);
  if (at >= 0) list.splice(at, 1);
}

export function forgetAll() {
  list.length = 0;
}
