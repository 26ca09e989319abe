// Customers opened in this session, kept in memory only (personal data does not stay on the
// tablet once the app is closed), so that a profile open when the Wi-Fi drops can still be
// read, edited and annotated through the outbox.

const customers = new Map();
const timelines = new Map();

export function remember(customer, timeline) {
  customers.set(String(customer.id), { customer, at: Date.now() });
  if (timeline) timelines.set(String(customer.id), timeline);
}

export function recall(id) {
  return customers.get(String(id)) || null;
}

export function recallTimeline(id) {
  return timelines.get(String(id)) || [];
}

export function forgetAll() {
  customers.clear();
  timelines.clear();
}
