/** Event level names and their numbers. A level is stored and returned as the number. */
export const LEVELS = {
  debug: 10,
  info: 20,
  warning: 30,
  error: 40,
  critical: 50,
} as const;

export type LevelName = keyof typeof LEVELS;

/** Level names in increasing severity. */
export const LEVEL_NAMES = Object.keys(LEVELS) as LevelName[];

/** The highest level number accepted (levels are stored as 32-bit integers). */
export const MAX_LEVEL = 2_147_483_647;

/** Alert channels a heartbeat may name in `alertType` (`mail` is an alias of `email`). */
export const ALERT_TYPES = ['pushover', 'email', 'mail', 'webhook', 'slack', 'log'] as const;
export type AlertType = (typeof ALERT_TYPES)[number];

/** Why an alert was raised. */
export const ALERT_KINDS = ['down', 'recovered', 'event'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/**
 * Where an alert's delivery stands: waiting (or retrying), delivered, given up (after the
 * retry window, or at once when the provider refused for good), or not sent because the
 * service recovered first and the recovery alert said both.
 */
export const ALERT_STATUSES = ['pending', 'sent', 'failed', 'superseded'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/** What the server reports about a heartbeat. */
export const HEARTBEAT_STATUSES = ['alive', 'dead', 'cancelled'] as const;
export type HeartbeatStatus = (typeof HEARTBEAT_STATUSES)[number];

/** Machine-readable error codes of the error answer. */
export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'UNAUTHORIZED',
  'NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'SERVICE_UNAVAILABLE',
  'INTERNAL_ERROR',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Limits of the protocol. */
export const LIMITS = {
  /** Characters (code points) in a service name. */
  serviceMaxLength: 200,
  /** Longest promised silence, in seconds (a year). */
  nextInMaxSeconds: 31_536_000,
  /** Characters in an event message. */
  eventMessageMaxLength: 10_000,
  /** Characters in a pulse's optional message. */
  pulseMessageMaxLength: 1_000,
  /** Characters in an alert target. */
  alertTargetMaxLength: 2_048,
  /** Events per page by default and at most. */
  eventsDefaultLimit: 100,
  eventsMaxLimit: 1_000,
  /** Alert deliveries per page by default and at most. */
  alertsDefaultLimit: 50,
  alertsMaxLimit: 500,
  /** Bytes in a request body. */
  bodyMaxBytes: 64 * 1024,
} as const;

/**
 * Routes of the API. Each call lists every path that serves it: the first is the
 * preferred one, the others are kept for existing clients.
 */
export const ROUTES = {
  pulse: { method: 'POST', paths: ['/heartbeat', '/'] },
  cancel: { method: 'DELETE', paths: ['/heartbeat', '/'] },
  listHeartbeats: { method: 'GET', paths: ['/heartbeats', '/'] },
  getHeartbeat: { method: 'GET', paths: ['/heartbeat/:service', '/get/:service'] },
  addEvent: { method: 'POST', paths: ['/event', '/add-event'] },
  listEvents: { method: 'GET', paths: ['/events', '/list-events'] },
  listAlerts: { method: 'GET', paths: ['/alerts'] },
  stream: { method: 'GET', paths: ['/stream'] },
  dashboardSettings: { method: 'GET', paths: ['/dashboard-settings'] },
  health: { method: 'GET', paths: ['/healthz'] },
} as const;

/** Header carrying the shared secret (the classic form); `Authorization: Bearer` works too. */
export const PASSWORD_HEADER = 'password';
