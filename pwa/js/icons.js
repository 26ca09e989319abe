// Line icons (24 px grid, stroke = currentColor). Trusted markup for dom.svg().

const wrap = (paths) =>
  `<svg viewBox="0 0 24 24" width="24" height="24" fill="none" stroke="currentColor" stroke-width="2" ` +
  `stroke-linecap="round" stroke-linejoin="round">${paths}</svg>`;

export const icons = {
  home: wrap('<path d="M3 10.5 12 3l9 7.5"/><path d="M5 9.5V21h14V9.5"/><path d="M9.5 21v-6h5v6"/>'),
  capture: wrap('<circle cx="9" cy="8" r="4"/><path d="M2 21c0-4 3-6.5 7-6.5s7 2.5 7 6.5"/><path d="M19 8v6M16 11h6"/>'),
  search: wrap('<circle cx="11" cy="11" r="7"/><path d="m20 20-4-4"/>'),
  staff: wrap('<circle cx="8" cy="8" r="3.5"/><circle cx="17" cy="9" r="2.5"/><path d="M1.5 20c0-3.6 2.9-6 6.5-6s6.5 2.4 6.5 6"/><path d="M15.5 14.2c3.6-.6 6.5 1.4 6.5 5.8"/>'),
  import: wrap('<path d="M12 3v12"/><path d="m7 10 5 5 5-5"/><path d="M4 17v3h16v-3"/>'),
  outbox: wrap('<path d="M7 18a5 5 0 1 1 .9-9.9A6 6 0 0 1 19 9.5a4.5 4.5 0 0 1-1 8.5"/><path d="M12 12v9"/><path d="m9 15 3-3 3 3"/>'),
  online: wrap('<path d="M2 8.5a15 15 0 0 1 20 0"/><path d="M5 12a10.5 10.5 0 0 1 14 0"/><path d="M8.5 15.5a5.5 5.5 0 0 1 7 0"/><circle cx="12" cy="19" r="1"/>'),
  offline: wrap('<path d="m3 3 18 18"/><path d="M8.5 15.5a5.5 5.5 0 0 1 7 0"/><path d="M5 12a10.5 10.5 0 0 1 4.5-2.6"/><path d="M2 8.5a15 15 0 0 1 4.7-3"/><path d="M14 5.2A15 15 0 0 1 22 8.5"/><circle cx="12" cy="19" r="1"/>'),
  logout: wrap('<path d="M15 4h4v16h-4"/><path d="M10 17l5-5-5-5"/><path d="M15 12H3"/>'),
  globe: wrap('<circle cx="12" cy="12" r="9"/><path d="M3 12h18"/><path d="M12 3a14 14 0 0 1 0 18a14 14 0 0 1 0-18"/>'),
  coupon: wrap('<path d="M3 7h18v3a2 2 0 0 0 0 4v3H3v-3a2 2 0 0 0 0-4z"/><path d="M14 7v10" stroke-dasharray="2 2"/>'),
  points: wrap('<path d="m12 3 2.7 5.6 6.1.9-4.4 4.3 1 6.1L12 17l-5.4 2.9 1-6.1L3.2 9.5l6.1-.9z"/>'),
  purchase: wrap('<path d="M3 4h2l2.4 11h11l2-8H6.2"/><circle cx="9" cy="19.5" r="1.5"/><circle cx="17" cy="19.5" r="1.5"/>'),
  note: wrap('<path d="M4 4h16v12l-4 4H4z"/><path d="M16 20v-4h4"/><path d="M8 9h8M8 13h5"/>'),
  edit: wrap('<path d="M4 20h4L19 9l-4-4L4 16z"/><path d="m13.5 6.5 4 4"/>'),
  check: wrap('<path d="m4 12.5 5 5L20 6.5"/>'),
  alert: wrap('<path d="M12 3 2 20h20z"/><path d="M12 10v4"/><circle cx="12" cy="17" r=".6"/>'),
  back: wrap('<path d="M15 5l-7 7 7 7"/>'),
  phone: wrap('<path d="M5 3h4l2 5-2.5 1.5a11 11 0 0 0 6 6L16 13l5 2v4a2 2 0 0 1-2 2A17 17 0 0 1 3 5a2 2 0 0 1 2-2"/>'),
  clock: wrap('<circle cx="12" cy="12" r="9"/><path d="M12 7v5l3 2"/>'),
  shield: wrap('<path d="M12 3 4 6v6c0 4.5 3.4 8.3 8 9 4.6-.7 8-4.5 8-9V6z"/><path d="m9 12 2 2 4-4"/>'),
  chart: wrap('<path d="M4 20V10"/><path d="M10 20V4"/><path d="M16 20v-7"/><path d="M22 20H2"/>'),
  camera: wrap('<path d="M3 8h4l2-3h6l2 3h4v12H3z"/><circle cx="12" cy="13.5" r="3.5"/>'),
  close: wrap('<path d="M6 6l12 12M18 6 6 18"/>'),
  scan: wrap('<path d="M4 8V4h4M16 4h4v4M20 16v4h-4M8 20H4v-4"/><path d="M8 12h8"/>'),
  undo: wrap('<path d="M9 14 4 9l5-5"/><path d="M4 9h10a6 6 0 0 1 0 12h-3"/>'),
  ticket: wrap('<path d="M4 5h16v4a3 3 0 0 0 0 6v4H4v-4a3 3 0 0 0 0-6z"/><path d="M9 9h6M9 15h6"/>'),
  swap: wrap('<path d="M4 8h14l-4-4"/><path d="M20 16H6l4 4"/>'),
  tasks: wrap('<path d="M9 5h11M9 12h11M9 19h11"/><path d="m3 5 1.5 1.5L7 4"/><path d="m3 12 1.5 1.5L7 11"/><path d="m3 19 1.5 1.5L7 18"/>'),
  megaphone: wrap('<path d="M3 10v4h4l7 5V5L7 10z"/><path d="M17.5 8.5a5 5 0 0 1 0 7"/><path d="M7 14v5h3"/>'),
  bell: wrap('<path d="M6 16V11a6 6 0 0 1 12 0v5l2 2H4z"/><path d="M10 20a2 2 0 0 0 4 0"/>'),
  refresh: wrap('<path d="M20 11a8 8 0 0 0-14.6-4.5L4 8"/><path d="M4 3v5h5"/><path d="M4 13a8 8 0 0 0 14.6 4.5L20 16"/><path d="M20 21v-5h-5"/>'),
  play: wrap('<path d="M7 4v16l13-8z"/>'),
  up: wrap('<path d="m6 15 6-6 6 6"/>'),
  down: wrap('<path d="m6 9 6 6 6-6"/>'),
};
