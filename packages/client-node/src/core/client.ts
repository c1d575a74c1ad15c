import type {
  AddEventResponse,
  AddEventsResponse,
  AlertType,
  CancelResponse,
  CreateKeyResponse,
  DeleteKeyResponse,
  Event,
  EventHistogramResponse,
  ExportFormat,
  HistogramBucket,
  FailRequestInput,
  Flip,
  GetHeartbeatResponse,
  HistoryResponse,
  Heartbeat,
  Key,
  KeyScope,
  LevelName,
  ListEventsResponse,
  ListHeartbeatsResponse,
  ListRunsResponse,
  LogResponse,
  ListKeysResponse,
  PulseResponse,
  ROUTES,
  Run,
  StreamChange,
  ServicePatchInput,
  ServiceResponse,
  ServiceSettingsInput,
  SnoozeManyResponse,
  StartRequestInput,
  Uptime,
} from '@watchtower/protocol';
import { parseDuration, type Duration } from '@watchtower/protocol/vocabulary';
import { WatchtowerError, type WatchtowerErrorDetails } from './errors.js';
import { startHeartbeat, type HeartbeatLoop, type HeartbeatOptions } from './heartbeat.js';
import { eventMatcher, readServerEvents, type FollowFilters } from './server-events.js';

type PathOf<Call extends keyof typeof ROUTES> = (typeof ROUTES)[Call]['paths'][number];

// The preferred route of each call, checked against the protocol's table at compile time.
const HEARTBEAT_PATH = '/heartbeat' satisfies PathOf<'pulse'> & PathOf<'cancel'>;
const HEARTBEATS_PATH = '/heartbeats' satisfies PathOf<'listHeartbeats'>;
const EVENT_PATH = '/event' satisfies PathOf<'addEvent'>;
const EVENTS_PATH = '/events' satisfies PathOf<'listEvents'>;
const BATCH_PATH = '/events/batch' satisfies PathOf<'addEvents'>;
const EXPORT_PATH = '/events/export' satisfies PathOf<'exportEvents'>;
const HISTOGRAM_PATH = '/events/histogram' satisfies PathOf<'eventHistogram'>;
const STREAM_PATH = '/stream' satisfies PathOf<'stream'>;
const SERVICE_PATH = '/heartbeat/:service' satisfies PathOf<'putService'> & PathOf<'patchService'> & PathOf<'deleteService'>;
const PAUSE_PATH = '/heartbeat/:service/pause' satisfies PathOf<'pauseService'>;
const RESUME_PATH = '/heartbeat/:service/resume' satisfies PathOf<'resumeService'>;
const START_PATH = '/heartbeat/:service/start' satisfies PathOf<'startRun'>;
const FAIL_PATH = '/heartbeat/:service/fail' satisfies PathOf<'failRun'>;
const LOG_PATH = '/heartbeat/:service/log' satisfies PathOf<'logMessage'>;
const RUNS_PATH = '/heartbeat/:service/runs' satisfies PathOf<'listRuns'>;
const HISTORY_PATH = '/heartbeat/:service/history' satisfies PathOf<'history'>;
const KEYS_PATH = '/keys' satisfies PathOf<'createKey'> & PathOf<'listKeys'>;
const SNOOZE_PATH = '/heartbeat/:service/snooze' satisfies PathOf<'snoozeService'> & PathOf<'unsnoozeService'>;
const SNOOZE_MANY_PATH = '/snooze' satisfies PathOf<'snoozeMany'>;

export interface ClientOptions {
  /** The server's base URL, such as `https://watchtower.example:4443` (a path prefix is kept). */
  url: string;
  /** The shared secret, sent in the `password` header. */
  password?: string | undefined;
  /** How long one attempt may take before it is abandoned (and retried). Default 10,000. */
  timeoutMs?: number | undefined;
  /** Further attempts after a network error, a timeout or a 5xx. Default 3; 4xx are never retried. */
  retries?: number | undefined;
  /** The first pause between attempts; it doubles each time (with jitter), up to 8 s. Default 250. */
  retryDelayMs?: number | undefined;
  /** The fetch to use (default: the global one). */
  fetch?: typeof fetch | undefined;
}

/** A level: a name (`debug`, `info`, `warning`, `error`, `critical`) or an integer ≥ 0. */
export type Level = LevelName | number;

/** A point in time: Unix seconds, an ISO-8601 string, or a Date. */
export type DateInput = number | string | Date;

/** Settings of one call. */
export interface CallOptions {
  /**
   * Abandons the call: it rejects with the signal's reason (a DOMException named
   * `AbortError` unless the signal was given another), and no further attempt is sent.
   */
  signal?: AbortSignal | undefined;
}

/**
 * A pulse. `nextIn`, and `alertType` with `alertTarget`, may be left out for a service the
 * server knows: it keeps what the service has (its schedule, its channel).
 */
export interface PulseInput {
  service: string;
  /** The longest silence before the service counts as dead: seconds, or `90s`, `15m`, `1h`, `1d`. */
  nextIn?: Duration | undefined;
  /** The channel of the "not pulsing" alert: `pushover`, `email`, `webhook`, `slack` or `log` (with alertTarget). */
  alertType?: AlertType | undefined;
  /** The channel's address: a Pushover user key, an e-mail address, a URL, a label for `log` (with alertType). */
  alertTarget?: string | undefined;
  /** How it went, kept with the run and quoted in the next alert: at most 1,000 characters. */
  message?: string | undefined;
  /** The run this success ends, when runs overlap: the `rid` of its start. */
  rid?: string | undefined;
}

/** The start of a run: `rid` pairs it with its end when runs overlap (a UUID, say). */
export type StartRunInput = StartRequestInput;

/** The failure of a run: its `rid`, the exit code (0 to 255), and a message such as the end of its output. */
export type FailRunInput = FailRequestInput;

export interface RunFilters {
  /** Runs per page: default 50, at most 1,000. */
  limit?: number | undefined;
  /** The `next` cursor of the previous page. */
  before?: string | undefined;
}

/** One page of runs, newest first; `next` is the cursor of the following page, or null. */
export interface RunPage {
  runs: Run[];
  next: string | null;
}

/** One page of a service's history, newest first, with its uptime over 24 h, 7 d and 30 d (0 to 1; null when nothing is known). */
export interface HistoryPage {
  flips: Flip[];
  next: string | null;
  uptime: Uptime;
}

export interface EventInput {
  service: string;
  message: string;
  /** Default 0. */
  level?: Level | undefined;
  /** Also alert the server's default channel (it must have one configured). */
  alert?: boolean | undefined;
}

export interface EventFilters {
  /** Exactly this service. */
  service?: string | undefined;
  /** This level or above. */
  level?: Level | undefined;
  /** Messages containing this text, case-insensitive, taken literally. */
  message?: string | undefined;
  /** From this time on (inclusive). */
  from?: DateInput | undefined;
  /** Up to this time (inclusive). */
  to?: DateInput | undefined;
  /** Events per page: default 100, at most 1,000. */
  limit?: number | undefined;
  /** The `next` cursor of the previous page. */
  before?: string | undefined;
}

/** The filters of an export or a histogram: those of the list, without paging. */
export type EventRangeFilters = Omit<EventFilters, 'limit' | 'before'>;

export interface ExportOptions extends CallOptions {
  /** `ndjson` (one event as JSON a line, the default) or `csv` (a header row, then one event a row). */
  format?: ExportFormat | undefined;
}

export interface FollowOptions extends CallOptions {
  /**
   * Told when the stream broke (`error`) or missed changes (`error` undefined: the server
   * said the reader fell behind) and how long the client waits before it reads again.
   */
  onInterruption?: ((error: unknown, retryInMs: number) => void) | undefined;
}

export interface KeyInput {
  /** Who holds the key, such as `backup host` (1–100 characters; need not be unique). */
  name: string;
  /** `pulse` (signals and events), `read` (every GET) or `admin` (everything). */
  scope: KeyScope;
}

/** A key just created, with its secret: the server keeps only a hash, so this is the one time it is shown. */
export interface CreatedKey {
  key: Key;
  secret: string;
}

/** One page of events, newest first; `next` is the cursor of the following page, or null. */
export interface EventPage {
  events: Event[];
  next: string | null;
}

/** How long a snooze lasts: give one of `for` and `until`. */
export interface SnoozeInput {
  /** From now: seconds, or `30m`, `2h`, `1d`. */
  for?: Duration | undefined;
  /** Until then: a Date, Unix seconds or an ISO-8601 string; it must be ahead. */
  until?: DateInput | undefined;
}

/** A snooze of every service of `tag`, or of every service when no tag is given. */
export interface SnoozeManyInput extends SnoozeInput {
  tag?: string | undefined;
}

/** What a snooze of many services did: their names, and until when (Unix seconds). */
export interface SnoozedServices {
  services: string[];
  snoozedUntil: number;
}

type Query = Record<string, string | number | undefined>;

function rangeQuery(filters: EventRangeFilters): Query {
  return {
    service: filters.service,
    level: filters.level,
    message: filters.message,
    from: toQueryDate(filters.from),
    to: toQueryDate(filters.to),
  };
}

interface CallRequest {
  body?: unknown;
  query?: Query;
  /** The field every answer of the call has: an answer without it is not watchtower's. */
  expect: string;
  headers?: Record<string, string>;
  signal?: AbortSignal | undefined;
  /** False for a call that must not be sent twice (a key's secret is shown once). */
  retry?: boolean;
  /** The answer's media type, for a call answered with a stream: a success is answered as the Response itself, unread. */
  stream?: string;
}

const MAX_RETRY_DELAY_MS = 8_000;
/** The longest wait before the live stream is read again. */
const FOLLOW_MAX_DELAY_MS = 30_000;

function toQueryDate(value: DateInput | undefined): string | number | undefined {
  return value instanceof Date ? value.getTime() / 1000 : value;
}

/** The body of a snooze: `until` in Unix seconds when it is a Date. */
function snoozeBody({ for: span, until }: SnoozeInput): { for?: Duration; until?: string | number } {
  return { for: span, until: toQueryDate(until) };
}

function describeFailure(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  const detail = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
  return String(detail);
}

/** What an aborted call rejects with: the signal's reason, as fetch does. */
function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/** Waits `ms`, or rejects as soon as `signal` aborts. */
function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((wake, fail) => {
    const stop = () => {
      clearTimeout(timer);
      fail(abortReason(signal!));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', stop);
      wake();
    }, ms);
    signal?.addEventListener('abort', stop, { once: true });
  });
}

/**
 * The path of a call about one service. URLs resolve `.` and `..` segments away (even
 * written %2E), so a service of that name cannot be named in a path: refused before sending.
 */
function servicePath(template: string, service: string): string {
  if (service === '.' || service === '..') {
    throw new TypeError(`watchtower: a service named ${JSON.stringify(service)} cannot be named in a URL path; rename it to manage it`);
  }
  return template.replace(':service', () => encodeURIComponent(service));
}

/**
 * 128 random bits in hex for an Idempotency-Key: from Web Crypto where there is one (Node
 * 19+, every browser: randomUUID needs a secure context, getRandomValues does not), else
 * (Node 18 without the flag) from Math.random, which is enough to tell retries apart.
 */
function newIdempotencyKey(): string {
  const bytes = new Uint8Array(16);
  if (globalThis.crypto?.getRandomValues) globalThis.crypto.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i += 1) bytes[i] = Math.floor(Math.random() * 256);
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * A watchtower client for any runtime with `fetch` (Node.js 18+, browsers, Deno, Bun,
 * workers). Every call is retried after a network error, a timeout or a 5xx, with
 * back-off; a 4xx is not, and every failure is a {@link WatchtowerError}.
 */
export class WatchtowerClient {
  /** The base URL, without a trailing slash. */
  readonly url: string;
  readonly #password: string | undefined;
  readonly #timeoutMs: number;
  readonly #retries: number;
  readonly #retryDelayMs: number;
  readonly #fetch: typeof fetch;

  constructor(options: ClientOptions) {
    if (!options || typeof options.url !== 'string' || !/^https?:\/\/[^/]/i.test(options.url)) {
      throw new TypeError(
        `watchtower: url must be the server's http(s) address, such as https://watchtower.example:4443; received ${JSON.stringify(options?.url)}`,
      );
    }
    this.url = options.url.replace(/\/+$/, '');
    this.#password = options.password;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    const retries = options.retries ?? 3;
    if (!Number.isInteger(retries) || retries < 0) {
      throw new TypeError(`watchtower: retries must be a whole number ≥ 0; received ${String(retries)}`);
    }
    this.#retries = retries;
    this.#retryDelayMs = options.retryDelayMs ?? 250;
    // Looked up at call time: a bare reference to window.fetch throws "Illegal invocation".
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
  }

  /**
   * Records a pulse: the service is alive and promises its next pulse within `nextIn` (or
   * by its stored schedule). A pulse ends the run under way, as a success.
   */
  async pulse(input: PulseInput, options: CallOptions = {}): Promise<Heartbeat> {
    const body = { ...input, nextIn: input.nextIn === undefined ? undefined : parseDuration(input.nextIn, 'nextIn') };
    const answer = await this.#call<PulseResponse>('POST', HEARTBEAT_PATH, { body, expect: 'heartBeat', signal: options.signal });
    return answer.heartBeat;
  }

  /** Stops watching a service (no alert follows); a later pulse re-arms it. Null when the service is unknown. */
  async cancel(service: string, options: CallOptions = {}): Promise<Heartbeat | null> {
    const answer = await this.#call<CancelResponse>('DELETE', HEARTBEAT_PATH, {
      body: { service },
      expect: 'heartBeat',
      signal: options.signal,
    });
    return answer.heartBeat;
  }

  /** Every heartbeat the server knows. */
  async heartbeats(options: CallOptions = {}): Promise<Heartbeat[]> {
    const answer = await this.#call<ListHeartbeatsResponse>('GET', HEARTBEATS_PATH, { expect: 'heartBeats', signal: options.signal });
    return answer.heartBeats;
  }

  /** One service's heartbeat; an unknown service is a WatchtowerError with status 404. */
  async heartbeat(service: string, options: CallOptions = {}): Promise<Heartbeat> {
    const path = `${HEARTBEAT_PATH}/${encodeURIComponent(service)}`;
    if (service === '.' || service === '..') {
      // URLs resolve these segments away (even as %2E), so such a name is found in the list.
      const found = (await this.heartbeats(options)).find((beat) => beat.service === service);
      if (found) return found;
      const hint = `no heartbeat for service ${JSON.stringify(service)}`;
      throw new WatchtowerError({ method: 'GET', path, status: 404, code: 'NOT_FOUND', hint });
    }
    const answer = await this.#call<GetHeartbeatResponse>('GET', path, { expect: 'heartBeat', signal: options.signal });
    return answer.heartBeat;
  }

  /**
   * Records an event. Every attempt carries one Idempotency-Key, so an event whose answer
   * was lost and that is sent again is stored once.
   */
  async addEvent(input: EventInput, options: CallOptions = {}): Promise<Event> {
    const answer = await this.#call<AddEventResponse>('POST', EVENT_PATH, {
      body: input,
      expect: 'event',
      headers: { 'idempotency-key': newIdempotencyKey() },
      signal: options.signal,
    });
    return answer.event;
  }

  /**
   * Records up to 1,000 events with one request, stored all or none; answers their ids in
   * the order given. One bad event refuses the whole batch (a 400 naming its index). Every
   * attempt carries one Idempotency-Key, so a batch whose answer was lost is stored once.
   */
  async addEvents(events: EventInput[], options: CallOptions = {}): Promise<number[]> {
    const answer = await this.#call<AddEventsResponse>('POST', BATCH_PATH, {
      body: { events },
      expect: 'ids',
      headers: { 'idempotency-key': newIdempotencyKey() },
      signal: options.signal,
    });
    return answer.ids;
  }

  /** One page of events matching the filters (all optional, combined with AND), newest first. */
  async events(filters: EventFilters = {}, options: CallOptions = {}): Promise<EventPage> {
    const query: Query = {
      service: filters.service,
      level: filters.level,
      message: filters.message,
      from: toQueryDate(filters.from),
      to: toQueryDate(filters.to),
      limit: filters.limit,
      before: filters.before,
    };
    const answer = await this.#call<ListEventsResponse>('GET', EVENTS_PATH, { query, expect: 'events', signal: options.signal });
    return { events: answer.events, next: answer.next };
  }

  /**
   * Every event matching the filters, newest first, fetching the pages as it goes
   * (`limit` is the page size): `for await (const event of client.allEvents({ service }))`.
   */
  async *allEvents(filters: Omit<EventFilters, 'before'> = {}, options: CallOptions = {}): AsyncGenerator<Event, void, undefined> {
    let before: string | undefined;
    do {
      const page = await this.events({ ...filters, before }, options);
      yield* page.events;
      before = page.next ?? undefined;
    } while (before);
  }

  /**
   * Every event matching the filters, oldest first, as the body of the answer, streamed: a
   * line of JSON an event (`format: 'ndjson'`, the default) or CSV with a header row. Read
   * it as it comes, or pipe it to a file (`Readable.fromWeb(body).pipe(createWriteStream(…))`);
   * `options.signal` stops it.
   */
  async exportEvents(filters: EventRangeFilters = {}, options: ExportOptions = {}): Promise<ReadableStream<Uint8Array>> {
    const query = { ...rangeQuery(filters), format: options.format };
    const accept = options.format === 'csv' ? 'text/csv' : 'application/x-ndjson';
    const response = await this.#call<Response>('GET', EXPORT_PATH, { query, expect: '', stream: accept, signal: options.signal });
    if (!response.body)
      throw new WatchtowerError({ method: 'GET', path: EXPORT_PATH, code: 'BAD_RESPONSE', hint: 'the export came without a body' });
    return response.body;
  }

  /**
   * How many events match the filters, by level, in buckets of `bucket` seconds, counted by
   * the server: every bucket of the range (`from` to `to`, by default the last 24 hours),
   * oldest first. At most 1,000 buckets.
   */
  async eventHistogram(filters: EventRangeFilters, bucket: number, options: CallOptions = {}): Promise<HistogramBucket[]> {
    const query = { ...rangeQuery(filters), bucket };
    const answer = await this.#call<EventHistogramResponse>('GET', HISTOGRAM_PATH, { query, expect: 'buckets', signal: options.signal });
    return answer.buckets;
  }

  /**
   * Events as they are recorded, read from the live stream and filtered here as the list
   * filters them; the stream is read again after it breaks, waiting longer each time (at
   * most 30 s). Ends when `options.signal` aborts; throws on a refusal (a 4xx), such as a
   * wrong password.
   */
  async *followEvents(filters: FollowFilters = {}, options: FollowOptions = {}): AsyncGenerator<Event, void, undefined> {
    const matches = eventMatcher(filters);
    const { signal } = options;
    let failures = 0;
    while (!signal?.aborted) {
      let interruption: unknown;
      try {
        const response = await this.#call<Response>('GET', STREAM_PATH, { expect: '', stream: 'text/event-stream', signal, retry: false });
        if (!response.body) throw new Error('the stream came without a body');
        for await (const { event, data } of readServerEvents(response.body)) {
          if (event === 'ready') failures = 0;
          if (event === 'resync') options.onInterruption?.(undefined, 0);
          if (event !== 'event') continue;
          const change = JSON.parse(data) as StreamChange;
          if (change.type === 'event' && matches(change.event)) yield change.event;
        }
        interruption = new Error('the server ended the stream');
      } catch (error) {
        if (signal?.aborted) return;
        if (error instanceof WatchtowerError && !error.retryable) throw error;
        interruption = error;
      }
      failures += 1;
      const delay = Math.min(FOLLOW_MAX_DELAY_MS, this.#retryDelayMs * 2 ** Math.min(failures - 1, 10));
      options.onInterruption?.(interruption, delay);
      await pause(delay, signal).catch(() => undefined);
    }
  }

  /**
   * Creates a service, or replaces its whole configuration: one schedule (`nextIn`, `period`
   * or `cron` with `tz`), and `grace`, `maxRuntime`, `alertType` + `alertTarget`, `description`,
   * `tags`, `warnBefore` (a "running late" notice), `remindEvery` (reminders while dead) and
   * `dependsOn` (services whose death holds its own), what is not given taking its default.
   * Durations are seconds or text such as `30m`.
   * A new service is `new`: it is not watched before its first signal.
   */
  async putService(service: string, settings: ServiceSettingsInput, options: CallOptions = {}): Promise<Heartbeat> {
    return this.#serviceCall('PUT', SERVICE_PATH, service, settings, options);
  }

  /** Changes some settings of a known service; `null` clears one. An unknown service is a 404. */
  async patchService(service: string, change: ServicePatchInput, options: CallOptions = {}): Promise<Heartbeat> {
    return this.#serviceCall('PATCH', SERVICE_PATH, service, change, options);
  }

  /** Deletes a service with its runs and events; answers it as it was. An unknown service is a 404. */
  async deleteService(service: string, options: CallOptions = {}): Promise<Heartbeat> {
    return this.#serviceCall('DELETE', SERVICE_PATH, service, undefined, options);
  }

  /** Pauses a service: no alert until it is resumed, whatever it sends. */
  async pauseService(service: string, options: CallOptions = {}): Promise<Heartbeat> {
    return this.#serviceCall('POST', PAUSE_PATH, service, undefined, options);
  }

  /** Resumes a paused service: it is watched again from its next signal. */
  async resumeService(service: string, options: CallOptions = {}): Promise<Heartbeat> {
    return this.#serviceCall('POST', RESUME_PATH, service, undefined, options);
  }

  /**
   * Snoozes a known service: no alert of it (death, late notice, reminder) until the snooze
   * ends, `for` a while or `until` a time. A death during the snooze is alerted when it ends,
   * if the service is still dead. The HB carries `snoozedUntil`. An unknown service is a 404.
   */
  async snoozeService(service: string, span: SnoozeInput, options: CallOptions = {}): Promise<Heartbeat> {
    return this.#serviceCall('POST', SNOOZE_PATH, service, snoozeBody(span), options);
  }

  /** Ends a service's snooze at once: a death held by it is alerted now. An unknown service is a 404. */
  async unsnoozeService(service: string, options: CallOptions = {}): Promise<Heartbeat> {
    return this.#serviceCall('DELETE', SNOOZE_PATH, service, undefined, options);
  }

  /**
   * Snoozes every service of `tag`, or every service the server knows when no tag is given;
   * answers their names (none when no service has the tag) and until when.
   */
  async snoozeMany(input: SnoozeManyInput, options: CallOptions = {}): Promise<SnoozedServices> {
    const answer = await this.#call<SnoozeManyResponse>('POST', SNOOZE_MANY_PATH, {
      body: { tag: input.tag, ...snoozeBody(input) },
      expect: 'services',
      signal: options.signal,
    });
    return { services: answer.services, snoozedUntil: answer.snoozedUntil };
  }

  /**
   * A run of a known service started: it is `started`, and with a `maxRuntime` it must end
   * (a pulse, or failRun) within it. An unknown service is a 404.
   */
  async startRun(service: string, input: StartRunInput = {}, options: CallOptions = {}): Promise<Heartbeat> {
    return this.#serviceCall('POST', START_PATH, service, input, options);
  }

  /** A run of a known service failed: it is dead at once, and its alert is sent. An unknown service is a 404. */
  async failRun(service: string, input: FailRunInput = {}, options: CallOptions = {}): Promise<Heartbeat> {
    return this.#serviceCall('POST', FAIL_PATH, service, input, options);
  }

  /** Records a message of a known service as an event, changing nothing else. An unknown service is a 404. */
  async logMessage(service: string, message: string, options: CallOptions = {}): Promise<Event> {
    const path = servicePath(LOG_PATH, service);
    const answer = await this.#call<LogResponse>('POST', path, { body: { message }, expect: 'event', signal: options.signal });
    return answer.event;
  }

  /** One page of a service's runs, newest first. An unknown service is a 404. */
  async listRuns(service: string, filters: RunFilters = {}, options: CallOptions = {}): Promise<RunPage> {
    const path = servicePath(RUNS_PATH, service);
    const query: Query = { limit: filters.limit, before: filters.before };
    const answer = await this.#call<ListRunsResponse>('GET', path, { query, expect: 'runs', signal: options.signal });
    return { runs: answer.runs, next: answer.next };
  }

  /**
   * One page of a service's history: each change of its state (alive, late, started, dead,
   * paused, snoozed, cancelled…) with its time and cause, newest first, and its uptime.
   * Filters as for runs: `limit` (default 50, at most 1,000) and the `before` cursor. An
   * unknown service is a 404.
   */
  async readHistory(service: string, filters: RunFilters = {}, options: CallOptions = {}): Promise<HistoryPage> {
    const path = servicePath(HISTORY_PATH, service);
    const query: Query = { limit: filters.limit, before: filters.before };
    const answer = await this.#call<HistoryResponse>('GET', path, { query, expect: 'flips', signal: options.signal });
    return { flips: answer.flips, next: answer.next, uptime: answer.uptime };
  }

  /**
   * Creates an API key (with the password or an admin key). The answer holds its secret,
   * which cannot be read again. Not retried: a retry after a lost answer would make a
   * second key whose secret nobody saw.
   */
  async createKey(input: KeyInput, options: CallOptions = {}): Promise<CreatedKey> {
    const answer = await this.#call<CreateKeyResponse>('POST', KEYS_PATH, {
      body: input,
      expect: 'secret',
      retry: false,
      signal: options.signal,
    });
    return { key: answer.key, secret: answer.secret };
  }

  /** Every API key, newest first, without secrets. */
  async listKeys(options: CallOptions = {}): Promise<Key[]> {
    const answer = await this.#call<ListKeysResponse>('GET', KEYS_PATH, { expect: 'keys', signal: options.signal });
    return answer.keys;
  }

  /** Revokes a key at once; answers it as it was. An unknown id is a WatchtowerError with status 404. */
  async deleteKey(id: string, options: CallOptions = {}): Promise<Key> {
    const answer = await this.#call<DeleteKeyResponse>('DELETE', `${KEYS_PATH}/${encodeURIComponent(id)}`, {
      expect: 'key',
      signal: options.signal,
    });
    return answer.key;
  }

  /**
   * Pulses `service` now and then every `every`, promising `every` plus a margin, until
   * `stop()`, which cancels the service. Failures are reported to `onError` and retried sooner.
   */
  startHeartbeat(options: HeartbeatOptions): HeartbeatLoop {
    return startHeartbeat(this, options);
  }

  /** A call on one service's path that answers the service (`heartBeat`). */
  async #serviceCall(method: string, template: string, service: string, body: unknown, options: CallOptions): Promise<Heartbeat> {
    const path = servicePath(template, service);
    const answer = await this.#call<ServiceResponse>(method, path, { body, expect: 'heartBeat', signal: options.signal });
    return answer.heartBeat;
  }

  async #call<T>(method: string, path: string, request: CallRequest): Promise<T> {
    const { signal } = request;
    const retries = request.retry === false ? 0 : this.#retries;
    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) throw abortReason(signal);
      try {
        return await this.#attempt<T>(method, path, request);
      } catch (error) {
        if (!(error instanceof WatchtowerError)) throw error;
        error.attempts = attempt;
        if (!error.retryable || attempt > retries) throw error;
        const ceiling = Math.min(MAX_RETRY_DELAY_MS, this.#retryDelayMs * 2 ** (attempt - 1));
        await pause(ceiling / 2 + (Math.random() * ceiling) / 2, signal);
      }
    }
  }

  async #attempt<T>(method: string, path: string, { body, query, expect, headers: extra, signal, stream }: CallRequest): Promise<T> {
    let target = this.url + path;
    if (query) {
      const search = new URLSearchParams();
      for (const [name, value] of Object.entries(query)) if (value !== undefined) search.set(name, String(value));
      const text = search.toString();
      if (text) target += `?${text}`;
    }
    const headers: Record<string, string> = { accept: stream ?? 'application/json', ...extra };
    if (this.#password !== undefined) headers.password = this.#password;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const fail = (details: Omit<WatchtowerErrorDetails, 'method' | 'path'>) => new WatchtowerError({ method, path, ...details });

    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.#timeoutMs);
    const abort = () => controller.abort();
    signal?.addEventListener('abort', abort, { once: true });
    let response: Response;
    let text: string;
    let streaming = false;
    try {
      response = await this.#fetch(target, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: controller.signal,
      });
      // A stream is answered as it arrives: the timeout covers its headers, the caller's signal all of it.
      streaming = stream !== undefined && response.ok;
      if (streaming) return response as T;
      text = await response.text();
    } catch (error) {
      if (signal?.aborted) throw abortReason(signal);
      throw controller.signal.aborted
        ? fail({ code: 'TIMEOUT', hint: `no answer from ${this.url} within ${this.#timeoutMs} ms`, cause: error })
        : fail({ code: 'NETWORK_ERROR', hint: `could not reach ${this.url} (${describeFailure(error)})`, cause: error });
    } finally {
      clearTimeout(timer);
      if (!streaming) signal?.removeEventListener('abort', abort);
    }

    let answer: Record<string, unknown> | undefined;
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed && typeof parsed === 'object') answer = parsed as Record<string, unknown>;
    } catch {
      // Not JSON: a proxy's error page, or not a watchtower server at all; reported below.
    }
    const requestId = response.headers.get('x-request-id') ?? undefined;
    if (!response.ok) {
      const hint = typeof answer?.hint === 'string' ? answer.hint : `the server answered ${response.status} ${response.statusText}`.trim();
      const code = typeof answer?.code === 'string' ? answer.code : response.status >= 500 ? 'INTERNAL_ERROR' : 'BAD_RESPONSE';
      throw fail({ status: response.status, code: code as WatchtowerError['code'], hint, requestId });
    }
    if (!answer || !(expect in answer)) {
      throw fail({
        status: response.status,
        code: 'BAD_RESPONSE',
        hint: `the answer of ${this.url} is not watchtower's (no "${expect}" in it): check the url`,
        requestId,
      });
    }
    return answer as T;
  }
}
