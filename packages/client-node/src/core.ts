export { WatchtowerClient } from './core/client.js';
export type {
  ClientOptions,
  CreatedKey,
  DateInput,
  EventFilters,
  EventInput,
  EventPage,
  KeyInput,
  Level,
  PulseInput,
} from './core/client.js';
export { WatchtowerError, type WatchtowerErrorCode, type WatchtowerErrorDetails } from './core/errors.js';
export type { HeartbeatLoop, HeartbeatOptions } from './core/heartbeat.js';
export { LEVELS, levelName, parseDuration, type Duration } from '@watchtower/protocol/vocabulary';
export type { AlertType, Event, Heartbeat, HeartbeatStatus, Key, KeyScope, LevelName } from '@watchtower/protocol';
