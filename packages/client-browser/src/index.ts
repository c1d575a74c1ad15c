export { WatchtowerClient } from './client.js';
export type { CaptureErrorsOptions } from './capture-errors.js';
export { LEVELS, levelName, parseDuration, WatchtowerError } from '@watchtower/client-node/core';
export type {
  AlertType,
  ClientOptions,
  CreatedKey,
  DateInput,
  Duration,
  Event,
  EventFilters,
  EventInput,
  EventPage,
  Heartbeat,
  HeartbeatLoop,
  HeartbeatOptions,
  HeartbeatStatus,
  Key,
  KeyInput,
  KeyScope,
  Level,
  LevelName,
  PulseInput,
  WatchtowerErrorCode,
} from '@watchtower/client-node/core';
