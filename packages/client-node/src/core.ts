export { WatchtowerClient } from './core/client.js';
export type {
  CallOptions,
  ClientOptions,
  DateInput,
  EventFilters,
  EventInput,
  EventPage,
  FailRunInput,
  Level,
  PulseInput,
  RunFilters,
  RunPage,
  StartRunInput,
} from './core/client.js';
export { WatchtowerError, type WatchtowerErrorCode, type WatchtowerErrorDetails } from './core/errors.js';
export type { HeartbeatLoop, HeartbeatOptions } from './core/heartbeat.js';
export { LEVELS, levelName, parseDuration, type Duration } from '@watchtower/protocol/vocabulary';
export type {
  AlertType,
  Event,
  Heartbeat,
  HeartbeatStatus,
  LevelName,
  Run,
  RunOutcome,
  Schedule,
  ServicePatchInput,
  ServiceSettingsInput,
} from '@watchtower/protocol';
