export { createPresence } from './presence.js';
export type {
  DetailsMethods,
  LookupOptions,
  Presence,
  PresenceHooks,
  PresenceOptions,
  RequestEvent,
  RetryEvent,
  RoomsMethods,
  RoomsOptions,
  RoomsQuery,
  RosterMethods,
  RosterOptions,
  RosterQuery,
  StatusMethods,
  StreamOptions,
  ThrottleEvent,
} from './api.js';
export type { Provider } from './provider.js';
export { DEFAULT_WATCH_INTERVAL_MS } from './watch.js';
export type { StatusWatchMethods, WatchEvent, WatchMethods, WatchOptions } from './api.js';
export type * from './model.js';
export {
  burstFor,
  IDLE_BURST_SHARE,
  lateBeyondSendDelay,
  LimiterRegistry,
  MAX_SEND_DELAY_MS,
  processLimiters,
  QpsLimiter,
  WINDOW_MARGIN_MS,
} from './limiter.js';
export type { LimiterFactory, LimiterKey, RateLimiter } from './limiter.js';
export type { RetryOptions } from './retry.js';
// Live rosters from the vendors' callbacks, repaired by snapshots (each provider entry maps its vendor's events).
export { LiveRosters, trackRoom } from './live.js';
export type {
  AppliedEvent,
  EventOutcome,
  LiveMember,
  LiveRosterOptions,
  LiveRosterStats,
  LiveRosterStore,
  RosterChange,
  RosterEvent,
  SnapshotMember,
} from './live.js';
export { realClock } from './clock.js';
export type { Clock } from './clock.js';
export { CapabilityError, ContradictoryResponseError, IncompleteResponseError, PaginationLoopError, PaginationStalledError } from './errors.js';
// The shared errors and call types, re-exported in the entry itself so that the build keeps a static
// `export *` that Node can link.
export * from '@rollcall/runtime/public';
