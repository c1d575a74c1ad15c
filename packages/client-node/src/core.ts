export { WatchtowerClient } from './core/client.js';
export type {
  CallOptions,
  ClientOptions,
  CreatedKey,
  DateInput,
  EventFilters,
  EventInput,
  EventPage,
  EventRangeFilters,
  ExportOptions,
  FollowOptions,
  FailRunInput,
  HistoryPage,
  KeyInput,
  Level,
  PulseInput,
  RunFilters,
  RunPage,
  SnoozedServices,
  SnoozeInput,
  SnoozeManyInput,
  StartRunInput,
} from './core/client.js';
export type { FollowFilters } from './core/server-events.js';
export { WatchtowerError, type WatchtowerErrorCode, type WatchtowerErrorDetails } from './core/errors.js';
export type { HeartbeatLoop, HeartbeatOptions } from './core/heartbeat.js';
export { LEVELS, levelName, parseDuration, type Duration } from '@watchtower/protocol/vocabulary';
export type {
  AlertType,
  Event,
  ExportFormat,
  HistogramBucket,
  Flip,
  FlipCause,
  FlipStatus,
  Heartbeat,
  HeartbeatStatus,
  Key,
  KeyScope,
  LevelName,
  Run,
  RunOutcome,
  Schedule,
  ServicePatchInput,
  ServiceSettingsInput,
  Uptime,
} from '@watchtower/protocol';
