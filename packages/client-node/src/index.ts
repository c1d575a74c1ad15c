export { WatchtowerClient, type WatchtowerOptions } from './client.js';
export type { ClientOptions, DateInput, EventFilters, EventInput, EventPage, Level, PulseInput } from './core/client.js';
export { parseDuration, type Duration } from './core/duration.js';
export { WatchtowerError, type WatchtowerErrorCode, type WatchtowerErrorDetails } from './core/errors.js';
export type { HeartbeatLoop, HeartbeatOptions } from './core/heartbeat.js';
export { LEVELS, levelName } from './core/levels.js';
export type { AlertType, Event, Heartbeat, HeartbeatStatus, LevelName } from '@watchtower/protocol';
