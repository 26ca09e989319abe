// What other modules show on a customer's page, each as a tab beside the timeline.
// A panel: { id, title, icon, render(customer, ctx) -> Node }, where ctx has alive(), local (captured offline,
// not yet on the server), stale (shown from memory while offline), setBadge(text) for its tab,
// onRefresh(fn) (the customer changed: reload), onOutbox(fn) (the outbox changed), refreshAll().

import coupons from "./panel-coupons.js";
import points from "./panel-points.js";
import purchases from "./panel-purchases.js";

export const panels = [coupons, points, purchases];
