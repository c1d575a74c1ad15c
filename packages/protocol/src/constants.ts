import type { KeyScope } from './vocabulary.js';

/** Machine-readable error codes of the error answer. */
export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'CONFLICT',
  'PROVIDER_FAILED',
  'TOO_MANY_REQUESTS',
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
  /** Buckets one histogram may answer, and the widest bucket (a year), in seconds. */
  histogramMaxBuckets: 1_000,
  histogramMaxBucketSeconds: 31_536_000,
  /** Alert deliveries per page by default and at most. */
  alertsDefaultLimit: 50,
  alertsMaxLimit: 500,
  /** Bytes in a request body. */
  bodyMaxBytes: 64 * 1024,
  /** Events in one `POST /events/batch`, and the bytes of its body (1,000 messages of 10,000 ASCII characters fit). */
  eventBatchMax: 1_000,
  eventBatchBodyMaxBytes: 16 * 1024 * 1024,
  /** Bytes in a ping's body (its message), as Healthchecks allows. */
  pingBodyMaxBytes: 10 * 1024,
  /** Characters in the message of a run signal (start, fail, log). */
  signalMessageMaxLength: 10_000,
  /** Characters in a run id (`rid`). */
  ridMaxLength: 100,
  /** Characters in a short name: a tag, a channel name. */
  shortNameMaxLength: 50,
  /** Entries in a service's `tags`, `channels` and `dependsOn`. */
  tagsMax: 20,
  channelsMax: 20,
  dependsOnMax: 50,
  /** Characters in a service's description. */
  descriptionMaxLength: 1_000,
  /** Characters in a cron expression and in a time zone name. */
  cronMaxLength: 100,
  tzMaxLength: 64,
  /** Runs per page by default and at most. */
  runsDefaultLimit: 50,
  runsMaxLimit: 1_000,
  /** Flips of a service's history per page by default and at most. */
  historyDefaultLimit: 50,
  historyMaxLimit: 1_000,
  /** Characters in an API key's name. */
  keyNameMaxLength: 100,
  /** Characters in a channel's URL setting, and in a secret setting (a token, a password). */
  channelUrlMaxLength: 2_048,
  channelSecretMaxLength: 1_000,
  /** Characters in a channel template's title and body. */
  templateTitleMaxLength: 500,
  templateBodyMaxLength: 4_000,
  /** Seconds a rotated webhook secret still signs beside the new one. */
  webhookRotationSeconds: 86_400,
} as const;

/** Every signal path of a ping URL: by token, or by a pulse key and the service's name (slug). */
const PING_PATHS = [
  '/ping/:token',
  '/ping/:token/start',
  '/ping/:token/fail',
  '/ping/:token/log',
  '/ping/:token/:exitCode',
  '/ping/:key/:slug',
  '/ping/:key/:slug/start',
  '/ping/:key/:slug/fail',
  '/ping/:key/:slug/log',
  '/ping/:key/:slug/:exitCode',
] as const;

/** One call of the API: its method, every path that serves it, and the key scope it needs (null: no credentials). */
export interface RouteEntry {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  paths: readonly string[];
  scope: KeyScope | null;
}

/**
 * Routes of the API. Each call lists every path that serves it: the first is the
 * preferred one, the others are kept for existing clients. `scope` is what the
 * credentials must cover (see coversScope); null routes take none.
 */
export const ROUTES = {
  pulse: { method: 'POST', paths: ['/heartbeat', '/'], scope: 'pulse' },
  // A classic client cancels its own heartbeat when it stops on purpose: a signal.
  cancel: { method: 'DELETE', paths: ['/heartbeat', '/'], scope: 'pulse' },
  listHeartbeats: { method: 'GET', paths: ['/heartbeats', '/'], scope: 'read' },
  getHeartbeat: { method: 'GET', paths: ['/heartbeat/:service', '/get/:service'], scope: 'read' },
  putService: { method: 'PUT', paths: ['/heartbeat/:service'], scope: 'admin' },
  patchService: { method: 'PATCH', paths: ['/heartbeat/:service'], scope: 'admin' },
  deleteService: { method: 'DELETE', paths: ['/heartbeat/:service'], scope: 'admin' },
  pauseService: { method: 'POST', paths: ['/heartbeat/:service/pause'], scope: 'admin' },
  resumeService: { method: 'POST', paths: ['/heartbeat/:service/resume'], scope: 'admin' },
  snoozeService: { method: 'POST', paths: ['/heartbeat/:service/snooze'], scope: 'admin' },
  unsnoozeService: { method: 'DELETE', paths: ['/heartbeat/:service/snooze'], scope: 'admin' },
  snoozeMany: { method: 'POST', paths: ['/snooze'], scope: 'admin' },
  startRun: { method: 'POST', paths: ['/heartbeat/:service/start'], scope: 'pulse' },
  failRun: { method: 'POST', paths: ['/heartbeat/:service/fail'], scope: 'pulse' },
  logMessage: { method: 'POST', paths: ['/heartbeat/:service/log'], scope: 'pulse' },
  listRuns: { method: 'GET', paths: ['/heartbeat/:service/runs'], scope: 'read' },
  history: { method: 'GET', paths: ['/heartbeat/:service/history'], scope: 'read' },
  addEvent: { method: 'POST', paths: ['/event', '/add-event'], scope: 'pulse' },
  addEvents: { method: 'POST', paths: ['/events/batch'], scope: 'pulse' },
  listEvents: { method: 'GET', paths: ['/events', '/list-events'], scope: 'read' },
  exportEvents: { method: 'GET', paths: ['/events/export'], scope: 'read' },
  eventHistogram: { method: 'GET', paths: ['/events/histogram'], scope: 'read' },
  listAlerts: { method: 'GET', paths: ['/alerts'], scope: 'read' },
  createKey: { method: 'POST', paths: ['/keys'], scope: 'admin' },
  listKeys: { method: 'GET', paths: ['/keys'], scope: 'read' },
  deleteKey: { method: 'DELETE', paths: ['/keys/:id'], scope: 'admin' },
  // Ping URLs carry their secret in the path (a token, or a pulse key before the slug).
  // HEAD is answered as GET. `/ping/:token/:exitCode` and `/ping/:key/:slug` share a
  // shape: the server tells them apart by which secret the first segment is.
  ping: { method: 'GET', paths: PING_PATHS, scope: null },
  pingWithBody: { method: 'POST', paths: PING_PATHS, scope: null },
  push: { method: 'GET', paths: ['/api/push/:token'], scope: null },
  // Badges carry their secret in the path too: the server's read-only badge key. The
  // name is one path segment (`[^/]+`) ending in the format; a `/` in it is sent as %2F.
  serviceBadge: { method: 'GET', paths: ['/badge/:badgeKey/:service{[^/]+\\.svg}'], scope: null },
  serviceBadgeJson: { method: 'GET', paths: ['/badge/:badgeKey/:service{[^/]+\\.json}'], scope: null },
  tagBadge: { method: 'GET', paths: ['/badge/:badgeKey/tag/:tag{[^/]+\\.svg}'], scope: null },
  tagBadgeJson: { method: 'GET', paths: ['/badge/:badgeKey/tag/:tag{[^/]+\\.json}'], scope: null },
  // A channel's secrets never leave the server: reading channels is a read like any other.
  listChannels: { method: 'GET', paths: ['/channels'], scope: 'read' },
  getChannel: { method: 'GET', paths: ['/channels/:name'], scope: 'read' },
  putChannel: { method: 'PUT', paths: ['/channels/:name'], scope: 'admin' },
  deleteChannel: { method: 'DELETE', paths: ['/channels/:name'], scope: 'admin' },
  testChannel: { method: 'POST', paths: ['/channels/:name/test'], scope: 'admin' },
  stream: { method: 'GET', paths: ['/stream'], scope: 'read' },
  dashboardSettings: { method: 'GET', paths: ['/dashboard-settings'], scope: 'read' },
  health: { method: 'GET', paths: ['/healthz'], scope: null },
  metrics: { method: 'GET', paths: ['/metrics'], scope: 'read' },
  // The API reference: the OpenAPI document, and a page to browse it.
  openapi: { method: 'GET', paths: ['/openapi.json'], scope: null },
  docs: { method: 'GET', paths: ['/docs'], scope: null },
  // The SDKs, served: the browser's <script> bundle and the self-contained CLI, each also
  // under its package's version (`/sdk/v0.1.0/…`), cached for good there.
  sdkBrowser: { method: 'GET', paths: ['/sdk/watchtower.min.js', '/sdk/:version/watchtower.min.js'], scope: null },
  sdkCli: { method: 'GET', paths: ['/sdk/watchtower-cli.mjs', '/sdk/:version/watchtower-cli.mjs'], scope: null },
} as const satisfies Record<string, RouteEntry>;

/** Header carrying the shared secret (the classic form); `Authorization: Bearer` works too. */
export const PASSWORD_HEADER = 'password';
