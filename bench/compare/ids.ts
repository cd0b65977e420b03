// Real-shaped Volcengine ids for the per-call comparison: a live group's 19-digit ConversationShortId
// (as in public captures of the ByteDance IM stack Volcengine IM runs on) and 200 snowflake-style
// user ids beyond 2^53, each a decimal string as rollcall answers int64s.
export const VOLC_IM_APP_ID = 583_401;
export const VOLC_GROUP_ID = '7226277271248584971';
export const VOLC_USER_IDS = Array.from({ length: 200 }, (_, i) => String(1_847_260_331_508_621_312n + BigInt(i) * 4_194_304n));
