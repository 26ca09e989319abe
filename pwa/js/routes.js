// One entry per screen. A module that lands later (coupons, points, purchases, care, reports)
// adds its screens here: { path, load, roles, nav }. Paths are hash routes: #/customers/42.

export const routes = [
  { path: "/", load: () => import("./screens/home.js"), nav: { label: "nav.home", icon: "home" } },
  { path: "/capture", load: () => import("./screens/capture.js"), nav: { label: "nav.capture", icon: "capture" } },
  { path: "/customers", load: () => import("./screens/search.js"), nav: { label: "nav.search", icon: "search" } },
  { path: "/customers/:id", load: () => import("./screens/customer.js") },
  { path: "/customers/:id/edit", load: () => import("./screens/customer-edit.js") },
  { path: "/redeem", load: () => import("./screens/redeem.js"), nav: { label: "nav.redeem", icon: "scan" } },
  { path: "/outbox", load: () => import("./screens/outbox.js"), nav: { label: "nav.outbox", icon: "outbox", secondary: true } },
  { path: "/coupon-templates", load: () => import("./screens/coupon-templates.js"), roles: ["manager", "admin"],
    nav: { label: "nav.templates", icon: "ticket", group: "manager" } },
  { path: "/coupon-templates/new", load: () => import("./screens/coupon-template.js"), roles: ["manager", "admin"] },
  { path: "/coupon-templates/:id", load: () => import("./screens/coupon-template.js"), roles: ["manager", "admin"] },
  { path: "/reversal", load: () => import("./screens/reversal.js"), roles: ["manager", "admin"],
    nav: { label: "nav.reversal", icon: "undo", group: "manager" } },
  { path: "/staff", load: () => import("./screens/staff.js"), roles: ["manager", "admin"],
    nav: { label: "nav.staff", icon: "staff", group: "manager" } },
  { path: "/import", load: () => import("./screens/import.js"), roles: ["manager", "admin"],
    nav: { label: "nav.import", icon: "import", group: "manager" } },
  { path: "/reports", load: () => import("./screens/reports.js"), roles: ["manager", "admin"],
    nav: { label: "nav.reports", icon: "chart", group: "manager" } },
];
