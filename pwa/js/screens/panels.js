// What other modules show on a customer's page. Each panel: { id, title, icon, render(customer) }.
// Coupons, points and purchases come from their own modules; until their API is part of this
// installation, their panel says so instead of showing anything made up.

import { h, svg } from "../dom.js";
import { t } from "../i18n.js";
import { icons } from "../icons.js";

function pending(id, icon) {
  return {
    id,
    render() {
      return h("section", { class: "card panel panel-pending", dataset: { panel: id } },
        h("h2", { class: "card-title" }, svg(icons[icon]), t(`panel.${id}.title`)),
        h("p", { class: "muted" }, t(`panel.${id}.pending`)));
    },
  };
}

export const panels = [
  pending("coupons", "coupon"),
  pending("points", "points"),
  pending("purchases", "purchase"),
];
