// What the API reference says of each call of ROUTES: its words, its inputs and its answers.
import type { z } from 'zod';
import type { ROUTES } from './constants.js';
import { ChannelBodyShape, ChannelResponse, ListChannelsResponse, PutChannelResponse, TestChannelResponse } from './channels.js';
import { CreateKeyRequest, CreateKeyResponse, DeleteKeyResponse, ListKeysResponse } from './keys.js';
import { HistoryQuery, HistoryResponse } from './history.js';
import { FailRequest, ListRunsResponse, LogRequest, PingQuery, PushQuery, PushResponse, RunsQuery, StartRequest } from './runs.js';
import {
  AddEventRequest,
  AddEventResponse,
  AddEventsRequest,
  AddEventsResponse,
  BadgeEndpoint,
  CancelRequest,
  CancelResponse,
  DashboardSettingsResponse,
  GetHeartbeatResponse,
  HealthResponse,
  ListAlertsQuery,
  ListAlertsResponse,
  EventHistogramQuery,
  EventHistogramResponse,
  ExportEventsQuery,
  ListEventsQuery,
  ListEventsResponse,
  ListHeartbeatsResponse,
  LogResponse,
  PulseRequestShape,
  PulseResponse,
  ServiceResponse,
} from './schemas.js';
import { ServicePatch, ServiceSettings } from './services.js';
import { SnoozeManyRequest, SnoozeManyResponse, SnoozeRequest } from './snooze.js';

/** Groups of the reference, in the order it shows them. */
export const DOC_TAGS = {
  heartbeats: 'Pulses and the state of every heartbeat: the classic protocol and its preferred paths.',
  services: 'Configured services: their schedule, alert channels, pauses and snoozes.',
  runs: 'Runs of a job (start, fail, log) and its history of states.',
  events: 'The event log.',
  alerts: 'Alert deliveries.',
  keys: 'API keys and their scopes.',
  channels: 'Named channels: a provider and its settings, defined once and named by services.',
  'ping URLs': 'Ping URLs in the form Healthchecks and Uptime Kuma clients use: the token in the path is the secret.',
  badges: 'Status badges for a README: the badge key in the path is the secret.',
  server: 'The live stream, the dashboard settings, the health probe, the metrics and this reference.',
} as const;
export type DocTag = keyof typeof DOC_TAGS;

/** An answer described by its media type: plain text, an SVG image, a web page, server-sent events, JSON of no protocol schema, a script, or an export (NDJSON, CSV). */
export type RawMedia =
  | 'text/javascript'
  | 'text/plain'
  | 'image/svg+xml'
  | 'text/html'
  | 'text/event-stream'
  | 'application/json'
  | 'application/x-ndjson'
  | 'text/csv';

/** Error answers a call may give besides those of its credentials (401, 403), of its body (413, 415) and of an outage (503). */
export type DocError = 400 | 403 | 404 | 409 | 502;

/** What the reference says of one call. */
export interface RouteDoc {
  summary: string;
  description: string;
  tag: DocTag;
  /** Query parameters: an object schema whose fields are the parameters. */
  query?: z.ZodType;
  /** Request headers the call reads, with their words. */
  headers?: Record<string, { description: string; pattern?: string }>;
  /** The body, as JSON or as an urlencoded form. */
  body?: z.ZodType;
  /** A body read as raw text, whatever its type (a ping's message). */
  textBody?: string;
  /** The success answer: a JSON schema, or a raw media type with its words. */
  response: { schema: z.ZodType; description: string } | { media: RawMedia; description: string; schema?: z.ZodType };
  /** Error answers and when they happen. */
  errors?: Partial<Record<DocError, string>>;
  /** Whether every path is an equal way in (ping URLs) rather than the first preferred and the others kept for existing clients. */
  equalPaths?: boolean;
  /** The summary of one path of a call whose paths differ in what they do. */
  pathSummary?: (path: string) => string;
  /**
   * How errors are answered: the JSON error answer (the default), plain text (ping URLs),
   * `{ok: false, msg}` (the push URL), or in the success's own form (a "not found" badge).
   */
  errorBody?: 'text' | 'push' | 'success';
  /** A 503 while the database cannot serve: the JSON error answer (the default), the success's own form (the health probe), or none. */
  outage?: 'success' | 'none';
}

const BAD_FIELD = 'A field is missing or wrong: `hint` names each, and nothing was stored.';
const NO_SERVICE = 'No such service.';
const PING_PARAMS =
  "The first segment is either the service's ping token (then `start`, `fail`, `log` or an exit code may follow) or a pulse key (then the service's name, URL-encoded, and optionally the signal). An exit code of 0 is a success; 1 to 255 a failure.";

/** Words shared by the calls on one service. */
function serviceCall(summary: string, description: string, tag: DocTag = 'services'): Pick<RouteDoc, 'summary' | 'description' | 'tag'> {
  return { summary, description, tag };
}

const runDocs = {
  startRun: {
    ...serviceCall(
      'Start a run',
      'The job has started: the service is `started`. With a `maxRuntime`, a run not ended by then is dead (outcome `timeout`). A pulse ends it as a success.',
      'runs',
    ),
    body: StartRequest,
    response: { schema: ServiceResponse, description: 'The heartbeat, running.' },
    errors: { 400: BAD_FIELD, 404: NO_SERVICE },
  },
  failRun: {
    ...serviceCall(
      'Fail a run',
      'The job failed: the service is dead at once and an alert of kind `failed` quotes the exit code and the message. A pulse after it recovers it.',
      'runs',
    ),
    body: FailRequest,
    response: { schema: ServiceResponse, description: 'The heartbeat, dead.' },
    errors: { 400: BAD_FIELD, 404: NO_SERVICE },
  },
  logMessage: {
    ...serviceCall('Log a message', 'A message kept as an event of the service, with no change of its state.', 'runs'),
    body: LogRequest,
    response: { schema: LogResponse, description: 'The event recorded.' },
    errors: { 400: BAD_FIELD, 404: NO_SERVICE },
  },
  listRuns: {
    ...serviceCall('List runs', "The service's runs, newest first, a page at a time.", 'runs'),
    query: RunsQuery,
    response: { schema: ListRunsResponse, description: 'A page of runs; `next` reads the page after it.' },
    errors: { 400: BAD_FIELD, 404: NO_SERVICE },
  },
  history: {
    ...serviceCall('State history', "The service's changes of state, newest first, and its uptime over 24 hours, 7 and 30 days.", 'runs'),
    query: HistoryQuery,
    response: { schema: HistoryResponse, description: 'A page of changes and the uptime.' },
    errors: { 400: BAD_FIELD, 404: NO_SERVICE },
  },
} satisfies Record<string, RouteDoc>;

const serviceDocs = {
  putService: {
    ...serviceCall(
      'Configure a service',
      "The whole configuration of a service, replacing any before it. One schedule: `nextIn`, `period`, or `cron` with `tz`. `alertType` with `alertTarget`, or `channels`, or neither (the server's default channel). Absent fields take their defaults; unknown fields are refused.",
    ),
    body: ServiceSettings,
    response: { schema: ServiceResponse, description: 'The service as configured.' },
    errors: { 400: BAD_FIELD },
  },
  patchService: {
    ...serviceCall(
      'Change a service',
      'Some settings, at least one. A schedule replaces the one before. `null` (or "" from a form) clears maxRuntime, description, remindEvery and warnBefore, and empties tags, channels and dependsOn.',
    ),
    body: ServicePatch,
    response: { schema: ServiceResponse, description: 'The service as changed.' },
    errors: { 400: BAD_FIELD, 404: NO_SERVICE },
  },
  deleteService: {
    ...serviceCall('Delete a service', 'The service is deleted with its runs, events and history.'),
    response: { schema: ServiceResponse, description: 'The service as it was.' },
    errors: { 404: NO_SERVICE },
  },
  pauseService: {
    ...serviceCall('Pause a service', 'The service stays quiet, through pulses, until it is resumed.'),
    response: { schema: ServiceResponse, description: 'The service, paused.' },
    errors: { 404: NO_SERVICE },
  },
  resumeService: {
    ...serviceCall('Resume a service', 'The service is watched again from now.'),
    response: { schema: ServiceResponse, description: 'The service, resumed.' },
    errors: { 404: NO_SERVICE },
  },
  snoozeService: {
    ...serviceCall('Snooze a service', 'No alert for the service until a date (`until`) or for a span (`for`): exactly one of them.'),
    body: SnoozeRequest,
    response: { schema: ServiceResponse, description: 'The service with its `snoozedUntil`.' },
    errors: { 400: BAD_FIELD, 404: NO_SERVICE },
  },
  unsnoozeService: {
    ...serviceCall('End a snooze', 'Alerts for the service resume at once.'),
    response: { schema: ServiceResponse, description: 'The service, no longer snoozed.' },
    errors: { 404: NO_SERVICE },
  },
  snoozeMany: {
    ...serviceCall('Snooze many services', 'Every service of a tag, or every service when no tag is given; `until` or `for`, exactly one.'),
    body: SnoozeManyRequest,
    response: { schema: SnoozeManyResponse, description: 'The services snoozed, and until when (Unix seconds).' },
    errors: { 400: BAD_FIELD },
  },
} satisfies Record<string, RouteDoc>;

const heartbeatDocs = {
  pulse: {
    summary: 'Pulse',
    description:
      'The service is alive; the next pulse is due in `nextIn` seconds. A new service is created by its first pulse. A known service may leave out `nextIn`, or `alertType` with `alertTarget`: it keeps what it has. A pulse ends the running run (`rid` names which one).',
    tag: 'heartbeats',
    body: PulseRequestShape,
    response: { schema: PulseResponse, description: 'The heartbeat after the pulse.' },
    errors: { 400: BAD_FIELD },
  },
  cancel: {
    summary: 'Cancel a heartbeat',
    description: 'A client that stops on purpose cancels its heartbeat: no alert until its next pulse.',
    tag: 'heartbeats',
    body: CancelRequest,
    response: { schema: CancelResponse, description: 'The heartbeat, cancelled; null when the service is unknown.' },
    errors: { 400: BAD_FIELD },
  },
  listHeartbeats: {
    summary: 'List heartbeats',
    description: 'Every heartbeat with its state.',
    tag: 'heartbeats',
    response: { schema: ListHeartbeatsResponse, description: 'Every heartbeat.' },
  },
  getHeartbeat: {
    summary: 'Get a heartbeat',
    description: 'One heartbeat with its state and configuration.',
    tag: 'heartbeats',
    response: { schema: GetHeartbeatResponse, description: 'The heartbeat.' },
    errors: { 400: BAD_FIELD, 404: NO_SERVICE },
  },
} satisfies Record<string, RouteDoc>;

const PING_SIGNALS: Record<string, string> = { start: 'a start', fail: 'a failure', log: 'a log message', ':exitCode': 'an exit code' };

/** `Ping: a start, by token`: what a ping path signals, and how it names the service. */
function pingSummary(summary: string): (path: string) => string {
  return (path) => {
    const signal = PING_SIGNALS[path.split('/').at(-1)!] ?? 'a success';
    return `${summary}: ${signal}, ${path.startsWith('/ping/:key/') ? 'by key and name' : 'by token'}`;
  };
}

const pingDoc = {
  tag: 'ping URLs',
  query: PingQuery,
  response: { media: 'text/plain', description: '`OK`: the signal was recorded.' },
  errors: {
    400: 'A log ping without a message, or a query parameter that is wrong (plain text saying what).',
    403: 'The key in the path has the read scope: a ping needs a pulse or admin key.',
    404: '`not found`: no service has this token, or the key is unknown, or the service is (without `create`).',
  },
  equalPaths: true,
  errorBody: 'text',
} satisfies Omit<RouteDoc, 'summary' | 'description'>;

const publicDocs = {
  ping: {
    ...pingDoc,
    summary: 'Ping',
    pathSummary: pingSummary('Ping'),
    description: `A signal by a URL alone: a success, a start, a failure or a log (without its message, which a POST carries). ${PING_PARAMS} A pulse key of the wrong scope is answered 403.`,
  },
  pingWithBody: {
    ...pingDoc,
    summary: 'Ping with a message',
    pathSummary: pingSummary('Ping with a message'),
    description: `As GET, with the body as the signal's message (any content type; the end is kept when it is too long). ${PING_PARAMS}`,
    textBody: 'The message of the signal, as text; its last 10,000 characters are kept (1,000 for a success).',
  },
  push: {
    summary: 'Push (Uptime Kuma)',
    description: "Uptime Kuma's push URL: `status=up` (the default) is a success, `status=down` a failure with `msg` as its message.",
    tag: 'ping URLs',
    query: PushQuery,
    response: { schema: PushResponse, description: 'The signal was recorded.' },
    errors: { 400: 'A query parameter is wrong: `msg` says which.', 404: 'No service has this token.' },
    errorBody: 'push',
  },
  serviceBadge: {
    summary: 'Service badge (SVG)',
    description: "The service's status as an SVG badge; `{service}` is its name (a `/` in it sent as %2F). Never cached.",
    tag: 'badges',
    response: { media: 'image/svg+xml', description: 'The badge.' },
    errorBody: 'success',
    errors: { 404: 'A "not found" badge: the key, the service or the name is unknown.' },
  },
  serviceBadgeJson: {
    summary: 'Service badge (shields.io endpoint)',
    description: "The service's status in shields.io's endpoint format.",
    tag: 'badges',
    response: { schema: BadgeEndpoint, description: 'The badge.' },
    errorBody: 'success',
    errors: { 404: 'A "not found" badge: the key, the service or the name is unknown.' },
  },
  tagBadge: {
    summary: 'Tag badge (SVG)',
    description: 'How many services of a tag are in each state, as an SVG badge.',
    tag: 'badges',
    response: { media: 'image/svg+xml', description: 'The badge.' },
    errorBody: 'success',
    errors: { 404: 'A "not found" badge: the key or the tag is unknown.' },
  },
  tagBadgeJson: {
    summary: 'Tag badge (shields.io endpoint)',
    description: "How many services of a tag are in each state, in shields.io's endpoint format.",
    tag: 'badges',
    response: { schema: BadgeEndpoint, description: 'The badge.' },
    errorBody: 'success',
    errors: { 404: 'A "not found" badge: the key or the tag is unknown.' },
  },
  health: {
    summary: 'Health probe',
    description:
      'For load balancers and orchestrators: 200 while the database answers and every background loop works; 503 naming what fails, with Retry-After.',
    tag: 'server',
    response: { schema: HealthResponse, description: 'Everything works.' },
    outage: 'success',
  },
  openapi: {
    summary: 'This OpenAPI document',
    description: 'The API as OpenAPI 3.1, generated from the protocol package.',
    tag: 'server',
    response: { media: 'application/json', description: 'The OpenAPI document.' },
    outage: 'none',
  },
  docs: {
    summary: 'API reference page',
    description: 'A page to browse this document (Swagger UI, served by the server itself: it works offline).',
    tag: 'server',
    response: { media: 'text/html', description: 'The page.' },
    outage: 'none',
  },
  sdkBrowser: {
    summary: 'The browser SDK as one <script>',
    description:
      'The minified bundle of `@watchtower/client-browser` that defines the global `Watchtower`: `<script src="https://watchtower.example/sdk/watchtower.min.js">`. Revalidated by its `ETag` after an hour; under its version (`/sdk/v0.1.0/watchtower.min.js`) cached for good.',
    tag: 'server',
    response: { media: 'text/javascript', description: 'The script.' },
    errors: { 404: 'Another version than the one this server serves, or a server built without the SDK.' },
    outage: 'none',
  },
  sdkCli: {
    summary: 'The `watchtower` command as one file',
    description:
      'The CLI of `@watchtower/client-node`, bundled with all it needs: `curl -o watchtower https://watchtower.example/sdk/watchtower-cli.mjs`, then `node watchtower` (Node.js 18 or later). Cached as the browser SDK is.',
    tag: 'server',
    response: { media: 'text/javascript', description: 'The command, an ES module.' },
    errors: { 404: 'Another version than the one this server serves, or a server built without the SDK.' },
    outage: 'none',
  },
} satisfies Record<string, RouteDoc>;

const readDocs = {
  addEvent: {
    summary: 'Add an event',
    description:
      "An entry of the event log. `alert: true` also sends it to the server's default alert channel. An `Idempotency-Key` header makes a retry store it once.",
    tag: 'events',
    body: AddEventRequest,
    headers: {
      'Idempotency-Key': {
        description: 'Any 1 to 255 visible ASCII characters (a UUID is a good choice): a retry with the same key is stored once.',
        pattern: '^[\\x21-\\x7e]{1,255}$',
      },
    },
    response: { schema: AddEventResponse, description: 'The event recorded.' },
    errors: { 400: BAD_FIELD },
  },
  addEvents: {
    summary: 'Add a batch of events',
    description:
      'Up to 1,000 events in one request, each as the body of `POST /event`, stored by one insert: all of them, or none. The answer gives their ids in the order sent. A bad event is a 400 naming its index (`events[3].level: …`), and nothing is stored; more than 1,000 events, or an empty list, is refused the same way. The body may be up to 16 MiB (a larger one is a 413). An `Idempotency-Key` header makes a retry of the same batch store it once and answer the same ids.',
    tag: 'events',
    body: AddEventsRequest,
    headers: {
      'Idempotency-Key': {
        description:
          'Any 1 to 255 visible ASCII characters (a UUID is a good choice): a retry of the batch with the same key is stored once.',
        pattern: '^[\\x21-\\x7e]{1,255}$',
      },
    },
    response: { schema: AddEventsResponse, description: 'The ids of the events, in the order sent.' },
    errors: { 400: BAD_FIELD },
  },
  listEvents: {
    summary: 'List events',
    description: 'Events, newest first, filtered (all filters combine) and a page at a time.',
    tag: 'events',
    query: ListEventsQuery,
    response: { schema: ListEventsResponse, description: 'A page of events; `next` reads the page after it.' },
    errors: { 400: BAD_FIELD },
  },
  exportEvents: {
    summary: 'Export events',
    description:
      "Every event the filters match, oldest first, streamed as it is read: `format=ndjson` (the default) writes one EV as JSON a line (`application/x-ndjson`), `format=csv` a header row `id,date,service,level,message` then one event a row (`text/csv`, RFC 4180 quoting; `date` is ISO-8601, and a cell that starts with `=`, `+`, `-` or `@` is prefixed with `'` so spreadsheets read it as text). Answered as an attachment.",
    tag: 'events',
    query: ExportEventsQuery,
    response: { media: 'application/x-ndjson', description: 'The events, one a line (or CSV rows with `format=csv`).' },
    errors: { 400: BAD_FIELD },
  },
  eventHistogram: {
    summary: 'Count events by time and level',
    description:
      'How many events the filters match, by level, in buckets of `bucket` seconds, counted by the database. The range is `from` to `to` (each defaults: `to` to now, `from` to a day before `to`); every bucket of it is answered, oldest first, empty ones with `counts: {}`. More than 1,000 buckets are refused.',
    tag: 'events',
    query: EventHistogramQuery,
    response: { schema: EventHistogramResponse, description: 'The buckets of the range.' },
    errors: { 400: BAD_FIELD },
  },
  listAlerts: {
    summary: 'List alert deliveries',
    description: 'The most recent alerts and how their delivery went, optionally of one service.',
    tag: 'alerts',
    query: ListAlertsQuery,
    response: { schema: ListAlertsResponse, description: 'The deliveries, newest first.' },
    errors: { 400: BAD_FIELD },
  },
  createKey: {
    summary: 'Create an API key',
    description:
      'A key of a scope: `pulse` (signals and events), `read` (every GET) or `admin` (everything). Its secret is answered here once; the server keeps only its hash.',
    tag: 'keys',
    body: CreateKeyRequest,
    response: { schema: CreateKeyResponse, description: 'The key and its secret.' },
    errors: { 400: BAD_FIELD },
  },
  listKeys: {
    summary: 'List API keys',
    description: 'Every key, without its secret.',
    tag: 'keys',
    response: { schema: ListKeysResponse, description: 'The keys.' },
  },
  deleteKey: {
    summary: 'Revoke an API key',
    description: 'The key stops working at once.',
    tag: 'keys',
    response: { schema: DeleteKeyResponse, description: 'The key revoked, as it was.' },
    errors: { 404: 'No key has this id.' },
  },
  stream: {
    summary: 'Live changes',
    description:
      "Committed changes as server-sent events, named by their `type` (see the StreamChange schema, whose JSON is each event's data), after a `ready` event. After `resync` a client reloads what it shows. Answered 503 with Retry-After when the process holds too many streams.",
    tag: 'server',
    response: { media: 'text/event-stream', description: 'The stream of changes.' },
  },
  dashboardSettings: {
    summary: 'Dashboard settings',
    description: "What the server's configuration says to the dashboard: saved event searches, usable channels, the caller's scope.",
    tag: 'server',
    response: { schema: DashboardSettingsResponse, description: 'The settings.' },
  },
  metrics: {
    summary: 'Prometheus metrics',
    description:
      "Prometheus' text format: each service's state and the outbox, read from the database (the same from every server process), and this process's own counters (pulses, events, deliveries and their latency, the sweeper's lag, write batching, HTTP durations by route) with the process defaults.",
    tag: 'server',
    response: { media: 'text/plain', description: 'The metrics, in the text exposition format 0.0.4.' },
  },
} satisfies Record<string, RouteDoc>;

const NO_CHANNEL = 'No channel has this name.';

const channelDocs = {
  listChannels: {
    summary: 'List channels',
    description:
      'Every named channel, without its secrets: `secrets` names the secret settings that are set, `usedBy` the services that name it.',
    tag: 'channels',
    response: { schema: ListChannelsResponse, description: 'The channels, by name.' },
  },
  getChannel: {
    summary: 'Read a channel',
    description: 'One named channel, without its secrets.',
    tag: 'channels',
    response: { schema: ChannelResponse, description: 'The channel.' },
    errors: { 404: NO_CHANNEL },
  },
  putChannel: {
    summary: 'Create or replace a channel',
    description:
      'The type and its settings side by side, and optional templates per alert kind. A replacement that leaves out a secret keeps the stored one. A new webhook channel gets a signing secret, answered here once; `rotateSecret: true` makes a new one, and the old one signs beside it for a day.',
    tag: 'channels',
    body: ChannelBodyShape,
    response: { schema: PutChannelResponse, description: 'The channel, and a webhook signing secret when one was made.' },
    errors: { 400: BAD_FIELD, 409: 'The config file defines this channel: change it there.' },
  },
  deleteChannel: {
    summary: 'Delete a channel',
    description: 'Refused while services name it, or when the config file defines it.',
    tag: 'channels',
    response: { schema: ChannelResponse, description: 'The channel deleted, as it was.' },
    errors: { 404: NO_CHANNEL, 409: 'Services still name the channel (`hint` lists them), or the config file defines it.' },
  },
  testChannel: {
    summary: 'Send a test message',
    description:
      "Sends a test alert through the channel now, and answers the provider's status and the start of its words (from a public address only).",
    tag: 'channels',
    response: { schema: TestChannelResponse, description: "The provider's answer." },
    errors: { 404: NO_CHANNEL, 502: 'The provider refused or did not answer: `hint` says what it said.' },
  },
} satisfies Record<string, RouteDoc>;

/** The reference of every call of ROUTES: a call listed there without its words here does not compile. */
export const ROUTE_DOCS: { [Name in keyof typeof ROUTES]: RouteDoc } = {
  ...heartbeatDocs,
  ...serviceDocs,
  ...runDocs,
  ...readDocs,
  ...publicDocs,
  ...channelDocs,
};
