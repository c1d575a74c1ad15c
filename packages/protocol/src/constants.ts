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
