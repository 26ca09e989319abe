// Values the app is built with.

/** The version of the privacy notice the clerk shows before recording consent at the counter. */
export const NOTICE_VERSION = "2026-11";
