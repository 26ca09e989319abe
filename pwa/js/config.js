// Values the app is built with.

/** The version of the privacy notice the clerk shows before recording consent at the counter. */
export const NOTICE_VERSION = "2026-11";

// The chain's common tags, interests and plans, offered as one-tap suggestions. They are data
// (stored as written, searched by exact tag), so they read the same whatever the clerk's language.
export const TAG_SUGGESTIONS = ["学生", "上班族", "老年人", "家庭用户", "商务", "合约将到期", "换机意向", "宽带意向", "高价值", "投诉跟进"];
export const INTEREST_SUGGESTIONS = ["摄影", "游戏", "短视频", "运动", "旅游", "育儿", "理财", "追剧"];
export const PLAN_SUGGESTIONS = ["5G畅享 129元", "5G畅享 199元", "全家享 169元", "4G畅享 58元", "大王卡 39元"];
