import { z } from 'zod';
import { ERROR_CODES, LIMITS } from './constants.js';
import {
  answer,
  describeValue,
  durationField,
  flag,
  listOf,
  NUMERIC,
  numeric,
  optional,
  pageCursor,
  pageLimit,
  serviceName,
  shortName,
  storable,
} from './fields.js';
import { Rid, Run } from './runs.js';
import {
  ALERT_KINDS,
  ALERT_STATUSES,
  ALERT_TYPES,
  type AlertType,
  HEARTBEAT_STATUSES,
  KEY_SCOPES,
  LEVEL_NAMES,
  MAX_LEVEL,
  parseLevel,
} from './vocabulary.js';

/** A service name: 1 to 200 characters, any Unicode but control characters (and not starting with U+FEFF). */
export const ServiceName = serviceName('service');
export type ServiceName = z.output<typeof ServiceName>;

/** Seconds until the next pulse: > 0 and at most a year; fractions allowed. */
export const NextIn = numeric('nextIn', `a number of seconds > 0 and ≤ ${LIMITS.nextInMaxSeconds}`, {
  exclusiveMinimum: 0,
  maximum: LIMITS.nextInMaxSeconds,
  description: `seconds until the next pulse is due: > 0 and ≤ ${LIMITS.nextInMaxSeconds} (a year), fractions allowed`,
}).pipe(
  z
    .number()
    .gt(0, { message: 'nextIn must be greater than 0 seconds' })
    .max(LIMITS.nextInMaxSeconds, {
      message: `nextIn must be at most ${LIMITS.nextInMaxSeconds} seconds (a year)`,
    }),
);

export const AlertTypeName = z.unknown().transform((value, ctx) => {
  if (typeof value === 'string' && (ALERT_TYPES as readonly string[]).includes(value)) {
    return value as AlertType;
  }
  ctx.addIssue({
    code: 'custom',
    message:
      value === undefined
        ? `alertType is required: one of ${ALERT_TYPES.join(', ')}`
        : `alertType must be one of ${ALERT_TYPES.join(', ')}; received ${describeValue(value)}`,
  });
  return z.NEVER;
});
AlertTypeName.register(z.globalRegistry, {
  type: 'string',
  enum: [...ALERT_TYPES],
  description: 'the alert channel (`mail` is an alias of `email`)',
});

export const AlertTarget = z
  .string({
    error: (issue) =>
      issue.input === undefined
        ? 'alertTarget is required: the address alerts go to (user key, e-mail address or URL)'
        : `alertTarget must be a string; received ${describeValue(issue.input)}`,
  })
  .max(LIMITS.alertTargetMaxLength, {
    message: `alertTarget must be at most ${LIMITS.alertTargetMaxLength} characters`,
  })
  .refine(...storable('alertTarget'))
  .meta({ description: 'where alerts go: a Pushover user key, an e-mail address, a URL…' });

/** Body of a pulse (`POST /heartbeat`, `POST /`). */
const PulseMessage = z
  .string({ error: (issue) => `message must be a string; received ${describeValue(issue.input)}` })
  .refine((text) => [...text].length <= LIMITS.pulseMessageMaxLength, {
    message: `message must be at most ${LIMITS.pulseMessageMaxLength} characters`,
  })
  .refine(...storable('message'))
  .meta({ maxLength: LIMITS.pulseMessageMaxLength, description: 'how it went; kept with the run' });

/** A setting a pulse may carry: absent when missing or "" (a form's empty field), cleared by null. */
const pulseSetting = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.nullable().optional());

/**
 * Settings of the alert lifecycle that a pulse may carry (ours; classic clients never send
 * them). The server applies them to the service as a PATCH would; null clears one.
 */
const PULSE_SETTINGS = {
  remindEvery: pulseSetting(durationField('remindEvery')),
  warnBefore: pulseSetting(durationField('warnBefore')),
  dependsOn: pulseSetting(listOf('dependsOn', serviceName, LIMITS.dependsOnMax)),
  channels: pulseSetting(listOf('channels', shortName, LIMITS.channelsMax)),
};

/** The names of the settings a pulse may carry. */
export const PULSE_SETTING_FIELDS = Object.keys(PULSE_SETTINGS) as Array<keyof typeof PULSE_SETTINGS>;

// A pulse that names its channel names both parts; one that names none keeps the service's.
const PulseNamingChannel = z.object({
  service: ServiceName,
  alertType: AlertTypeName,
  alertTarget: AlertTarget,
  nextIn: optional(NextIn),
  message: optional(PulseMessage),
  rid: optional(Rid),
  ...PULSE_SETTINGS,
});
const PulseKeepingChannel = z.object({
  service: ServiceName,
  nextIn: optional(NextIn),
  message: optional(PulseMessage),
  rid: optional(Rid),
  ...PULSE_SETTINGS,
});

type PulseFields = z.output<typeof PulseNamingChannel>;

/**
 * Body of a pulse (`POST /heartbeat`, `POST /`). Classic clients send every field. A pulse
 * may leave out `nextIn`, or `alertType` with `alertTarget`, when the server knows the
 * service: it keeps what the service has. `message` (at most 1,000 characters) says how it went;
 * `rid` names the run it ends.
 */
export const PulseRequest = z.unknown().transform((body, ctx): Partial<PulseFields> & { service: string } => {
  const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const namesChannel = optionalGiven(fields.alertType) || optionalGiven(fields.alertTarget);
  const parsed = (namesChannel ? PulseNamingChannel : PulseKeepingChannel).safeParse(body);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
  return z.NEVER;
});
export type PulseRequest = z.output<typeof PulseRequest>;

/**
 * The fields of a pulse, as the API reference describes them (PulseRequest reads them,
 * choosing by whether the pulse names a channel).
 */
export const PulseRequestShape = z
  .object({
    service: ServiceName,
    alertType: optional(AlertTypeName),
    alertTarget: optional(AlertTarget),
    nextIn: optional(NextIn),
    message: optional(PulseMessage),
    rid: optional(Rid.meta({ description: 'the run this success ends, when runs overlap (the rid of its start)' })),
    ...PULSE_SETTINGS,
  })
  .meta({
    description:
      'A pulse: the service is alive. alertType and alertTarget go together. A known service may leave out nextIn, or alertType with alertTarget: it keeps what it has. remindEvery, warnBefore, dependsOn and channels change the service as a PATCH would (null clears one).',
  });
export type PulseRequestInput = {
  service: string;
  alertType?: AlertType | undefined;
  alertTarget?: string | undefined;
  nextIn?: number | string | undefined;
  message?: string | undefined;
  /** The run this success ends, when runs overlap (the `rid` of its start). */
  rid?: string | undefined;
  /** Lifecycle settings of the service, applied as a PATCH would; null clears. */
  remindEvery?: number | string | null | undefined;
  warnBefore?: number | string | null | undefined;
  dependsOn?: string[] | null | undefined;
  channels?: string[] | null | undefined;
};

/** A field counts as given unless absent or empty (a form's empty field). */
function optionalGiven(value: unknown): boolean {
  return value !== undefined && value !== '';
}

/** Body of a cancel (`DELETE /heartbeat`, `DELETE /`). */
export const CancelRequest = z.object({ service: ServiceName });
export type CancelRequest = z.output<typeof CancelRequest>;

/**
 * Parses a level: an integer ≥ 0, a string holding one, or a level name
 * (`debug`, `info`, `warning`, `error`, `critical`, in any case).
 */
export const Level = z.unknown().transform((value, ctx) => {
  const level = parseLevel(value);
  if (level !== undefined) return level;
  ctx.addIssue({
    code: 'custom',
    message: `level must be an integer from 0 to ${MAX_LEVEL} or one of ${LEVEL_NAMES.join(', ')}; received ${describeValue(value)}`,
  });
  return z.NEVER;
});
Level.register(z.globalRegistry, {
  anyOf: [
    { type: 'integer', minimum: 0, maximum: MAX_LEVEL },
    { type: 'string', description: `a level name (${LEVEL_NAMES.join(', ')}, in any case) or an integer as text` },
  ],
  description: `a level: an integer from 0 to ${MAX_LEVEL}, or one of ${LEVEL_NAMES.join(', ')}`,
  examples: [0, 'error'],
});

/** Body of a new event (`POST /event`, `POST /add-event`). */
export const AddEventRequest = z.object(
  {
    service: ServiceName,
    level: Level.optional().transform((level) => level ?? 0),
    message: z
      .string({
        error: (issue) =>
          issue.input === undefined ? 'message is required' : `message must be a string; received ${describeValue(issue.input)}`,
      })
      // Code points: never more than UTF-16 units, counted only when those are too many.
      .refine((text) => text.length <= LIMITS.eventMessageMaxLength || [...text].length <= LIMITS.eventMessageMaxLength, {
        message: `message must be at most ${LIMITS.eventMessageMaxLength} characters`,
      })
      .refine(...storable('message'))
      .meta({ maxLength: LIMITS.eventMessageMaxLength }),
    alert: flag('alert')
      .optional()
      .transform((flag) => flag ?? false)
      .meta({ description: "true: the event is also sent to the server's default alert channel; false when absent" }),
  },
  {
    error: (issue) => `must be an event, an object such as {"service":"backup","message":"done"}; received ${describeValue(issue.input)}`,
  },
);
export type AddEventRequest = z.output<typeof AddEventRequest>;
export type AddEventRequestInput = {
  service: string;
  message: string;
  level?: number | string | undefined;
  alert?: boolean | undefined;
};

const BATCH_SIZE = `1 to ${LIMITS.eventBatchMax.toLocaleString('en-US')} events`;

/** Body of a batch of events (`POST /events/batch`): each as the body of `POST /event`, stored all or none. */
export const AddEventsRequest = z.object({
  events: z
    .array(AddEventRequest, {
      error: (issue) =>
        issue.input === undefined
          ? `events is required: a list of ${BATCH_SIZE} such as [{"service":"backup","message":"done"}]`
          : `events must be a list of ${BATCH_SIZE}; received ${describeValue(issue.input)}`,
    })
    .min(1, `events is empty: send ${BATCH_SIZE}`)
    .max(LIMITS.eventBatchMax, `events must hold at most ${LIMITS.eventBatchMax.toLocaleString('en-US')} events: split the batch`),
});
export type AddEventsRequest = z.output<typeof AddEventsRequest>;
export type AddEventsRequestInput = { events: AddEventRequestInput[] };

/** A point in time as Unix seconds or ISO-8601; parsed to Unix seconds. */
export const DateInput = (field: string) => {
  const read = z.unknown().transform((value, ctx) => {
    let seconds = Number.NaN;
    if (typeof value === 'number') seconds = value;
    if (typeof value === 'string') {
      const text = value.trim();
      if (NUMERIC.test(text)) seconds = Number(text);
      else if (/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i.test(text)) {
        seconds = Date.parse(text) / 1000;
      }
    }
    if (seconds >= MIN_DATE_SECONDS && seconds <= MAX_DATE_SECONDS) return seconds;
    if (Number.isFinite(seconds)) {
      ctx.addIssue({ code: 'custom', message: `${field} must be a date between the years 1 and 9999` });
      return z.NEVER;
    }
    ctx.addIssue({
      code: 'custom',
      message: `${field} must be Unix seconds or an ISO-8601 date such as 2026-01-31T12:00:00Z; received ${describeValue(value)}`,
    });
    return z.NEVER;
  });
  return read.meta({
    type: ['number', 'string'],
    description: 'a date: Unix seconds, or ISO-8601 text such as 2026-01-31T12:00:00Z',
    examples: [1_767_225_600, '2026-01-31T12:00:00Z'],
  });
};

// Years 1 to 9999, which every client and both databases can represent.
const MIN_DATE_SECONDS = -62_135_596_800;
const MAX_DATE_SECONDS = 253_402_300_799;

/** Query of `GET /events` and `GET /list-events`. All filters combine with AND. */
export const ListEventsQuery = z.strictObject({
  service: optional(ServiceName),
  from: optional(DateInput('from')),
  to: optional(DateInput('to')),
  level: optional(Level),
  message: optional(
    z
      .string()
      .max(LIMITS.eventMessageMaxLength, {
        message: `message filter must be at most ${LIMITS.eventMessageMaxLength} characters`,
      })
      .refine(...storable('message filter')),
  ),
  limit: pageLimit(LIMITS.eventsDefaultLimit, LIMITS.eventsMaxLimit),
  before: pageCursor,
});
export type ListEventsQuery = z.output<typeof ListEventsQuery>;
export type ListEventsQueryInput = {
  service?: string | undefined;
  from?: number | string | undefined;
  to?: number | string | undefined;
  level?: number | string | undefined;
  message?: string | undefined;
  limit?: number | undefined;
  before?: string | undefined;
};

/** The filters of the event list without its paging: `service`, `from`, `to`, `level`, `message`. */
export type EventFiltersInput = Omit<ListEventsQueryInput, 'limit' | 'before'>;

/** The forms `GET /events/export` writes: one EV as JSON a line, or CSV with a header row. */
export const EXPORT_FORMATS = ['ndjson', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Query of `GET /events/export`: the list filters and the format; every matching event, oldest first. */
export const ExportEventsQuery = ListEventsQuery.omit({ limit: true, before: true }).extend({
  format: optional(z.enum(EXPORT_FORMATS, { message: `format must be one of ${EXPORT_FORMATS.join(', ')}` }))
    .transform((format) => format ?? 'ndjson')
    .meta({
      type: 'string',
      enum: [...EXPORT_FORMATS],
      description: 'ndjson: one event as JSON a line; csv: a header row then one event a row (RFC 4180); ndjson when absent',
    }),
});
export type ExportEventsQuery = z.output<typeof ExportEventsQuery>;

/** Query of `GET /events/histogram`: the list filters and the width of a bucket in seconds. */
export const EventHistogramQuery = ListEventsQuery.omit({ limit: true, before: true }).extend({
  bucket: numeric('bucket', `a whole number of seconds from 1 to ${LIMITS.histogramMaxBucketSeconds}`, {
    type: ['integer', 'string'],
    minimum: 1,
    maximum: LIMITS.histogramMaxBucketSeconds,
    description: `the width of a bucket in seconds; buckets start at multiples of it since 1970-01-01T00:00:00Z. The range (from and to, or the last 24 hours) may hold at most ${LIMITS.histogramMaxBuckets} buckets`,
  }).pipe(
    z
      .number()
      .int({ message: 'bucket must be a whole number of seconds' })
      .min(1, { message: 'bucket must be at least 1 second' })
      .max(LIMITS.histogramMaxBucketSeconds, { message: `bucket must be at most ${LIMITS.histogramMaxBucketSeconds} seconds` }),
  ),
});
export type EventHistogramQuery = z.output<typeof EventHistogramQuery>;

/**
 * How a service's deadline is set, named by `kind` with its value under the same name:
 * `{kind:'nextIn', nextIn}` (each pulse may change it), `{kind:'period', period}` (seconds)
 * or `{kind:'cron', cron, tz}` (a 5-field expression in an IANA zone).
 */
export const Schedule = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('nextIn'), nextIn: z.number() }),
  z.object({ kind: z.literal('period'), period: z.number() }),
  z.object({ kind: z.literal('cron'), cron: z.string(), tz: z.string() }),
]);
export type Schedule = z.output<typeof Schedule>;

/**
 * A heartbeat as the server reports it. `last` and `expected` are Unix seconds. The
 * optional fields belong to services configured on the server; a classic HB has none.
 */
export const Heartbeat = z.object({
  service: z.string(),
  alertType: z.string(),
  alertTarget: z.string(),
  nextIn: z.number(),
  last: z.number(),
  expected: z.number(),
  alerted: z.boolean(),
  cancelled: z.boolean(),
  status: z.enum(HEARTBEAT_STATUSES),
  schedule: Schedule.optional(),
  /** Seconds of tolerance after the deadline. */
  grace: z.number().optional(),
  /** Seconds a run may take after its start; null when unlimited. */
  maxRuntime: z.number().nullable().optional(),
  description: z.string().nullable().optional(),
  tags: z.array(z.string()).optional(),
  channels: z.array(z.string()).optional(),
  remindEvery: z.number().nullable().optional(),
  warnBefore: z.number().nullable().optional(),
  dependsOn: z.array(z.string()).optional(),
  /** What the last pulse said (its `message`); null when it said nothing. */
  message: z.string().nullable().optional(),
  lastRun: Run.nullable().optional(),
  /** The service's ping URL; shown to read and admin keys only. */
  pingUrl: z.string().optional(),
  /** Unix seconds: no alert for the service until then; null when it is not snoozed. */
  snoozedUntil: z.number().nullable().optional(),
  /** The service's status badge (SVG; `.json` for shields.io's endpoint format); shown to read and admin keys only. */
  badgeUrl: z.string().optional(),
});
export type Heartbeat = z.output<typeof Heartbeat>;

/** An event as the server reports it. `date` is Unix seconds. */
export const Event = z.object({
  id: z.number(),
  service: z.string(),
  level: z.number().int(),
  message: z.string(),
  date: z.number(),
});
export type Event = z.output<typeof Event>;

export const PulseResponse = answer({
  action: z.literal('pulse'),
  heartBeat: Heartbeat,
});
export type PulseResponse = z.output<typeof PulseResponse>;

export const CancelResponse = answer({
  action: z.literal('cancel'),
  heartBeat: Heartbeat.nullable(),
});
export type CancelResponse = z.output<typeof CancelResponse>;

export const ListHeartbeatsResponse = answer({
  heartBeats: z.array(Heartbeat),
});
export type ListHeartbeatsResponse = z.output<typeof ListHeartbeatsResponse>;

export const GetHeartbeatResponse = answer({
  heartBeat: Heartbeat,
});
export type GetHeartbeatResponse = z.output<typeof GetHeartbeatResponse>;

/** Answer of the service routes: PUT, PATCH and DELETE `/heartbeat/:service`, pause, resume, start and fail. */
export const ServiceResponse = answer({
  heartBeat: Heartbeat,
});
export type ServiceResponse = z.output<typeof ServiceResponse>;

export const AddEventResponse = answer({
  event: Event,
});
export type AddEventResponse = z.output<typeof AddEventResponse>;

/** Answer of `POST /events/batch`: the id of each event, in the order they were sent. */
export const AddEventsResponse = answer({
  ids: z.array(z.number()),
});
export type AddEventsResponse = z.output<typeof AddEventsResponse>;

/** Answer of `POST /heartbeat/:service/log`: the event it recorded. */
export const LogResponse = answer({
  event: Event,
});
export type LogResponse = z.output<typeof LogResponse>;

export const ListEventsResponse = answer({
  events: z.array(Event),
  next: z.string().nullable(),
});
export type ListEventsResponse = z.output<typeof ListEventsResponse>;

/** One bucket of the histogram: its start (Unix seconds) and how many events of each level it holds. */
export const HistogramBucket = z.object({
  at: z.number(),
  counts: z.record(z.string(), z.number().int()).meta({
    description:
      'events by level: the level name (debug, info, warning, error, critical) or the number as text for a level without one; levels with no events are left out',
  }),
});
export type HistogramBucket = z.output<typeof HistogramBucket>;

/** Answer of `GET /events/histogram`: every bucket of the range, oldest first, empty ones too. */
export const EventHistogramResponse = answer({ buckets: z.array(HistogramBucket) });
export type EventHistogramResponse = z.output<typeof EventHistogramResponse>;

/** Query of `GET /alerts`: the most recent deliveries, optionally of one service. */
export const ListAlertsQuery = z.strictObject({
  service: optional(ServiceName),
  limit: pageLimit(LIMITS.alertsDefaultLimit, LIMITS.alertsMaxLimit),
});
export type ListAlertsQuery = z.output<typeof ListAlertsQuery>;

/** One alert and its delivery. Times are Unix seconds. */
export const AlertDelivery = z.object({
  id: z.string(),
  kind: z.enum(ALERT_KINDS),
  service: z.string(),
  channel: z.string(),
  target: z.string(),
  /** The named channel this delivery goes to; null (or absent, from older servers) for the service's alertType + alertTarget. */
  channelName: z.string().nullable().optional(),
  status: z.enum(ALERT_STATUSES),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  created: z.number(),
  sent: z.number().nullable(),
  nextAttempt: z.number().nullable(),
});
export type AlertDelivery = z.output<typeof AlertDelivery>;

export const ListAlertsResponse = answer({
  alerts: z.array(AlertDelivery),
});
export type ListAlertsResponse = z.output<typeof ListAlertsResponse>;

/**
 * What `GET /stream` pushes, as server-sent events named by `type`: a heartbeat's new state
 * (pulse, cancel), a death, a recovery, a new event, an alert delivery's new state. After
 * `resync` (the client fell behind and changes were dropped) a client reloads what it shows.
 */
export const StreamChange = z.discriminatedUnion('type', [
  z.object({ type: z.literal('heartbeat'), heartBeat: Heartbeat }),
  z.object({ type: z.literal('heartbeat.dead'), service: z.string() }),
  z.object({ type: z.literal('heartbeat.recovered'), service: z.string() }),
  z.object({ type: z.literal('heartbeat.deleted'), service: z.string() }),
  z.object({ type: z.literal('event'), event: Event }),
  z.object({ type: z.literal('alert'), alert: AlertDelivery }),
]);
export type StreamChange = z.output<typeof StreamChange>;

/** Names of the server-sent events of `GET /stream`, besides those of StreamChange. */
export const STREAM_CONTROL_EVENTS = ['ready', 'resync'] as const;

/** A saved search of the dashboard's events explorer; `since` is a duration such as 2h. */
export const EventsPreset = z.object({
  name: z.string(),
  filters: z.object({
    service: z.string().optional(),
    level: z.union([z.string(), z.number()]).optional(),
    message: z.string().optional(),
    since: z.string().optional(),
  }),
});
export type EventsPreset = z.output<typeof EventsPreset>;

/** `GET /dashboard-settings`: what the server's configuration says to the dashboard. */
export const DashboardSettingsResponse = answer({
  eventsPresets: z.array(EventsPreset),
  /** Alert channels this server can deliver through. */
  channels: z.array(z.string()),
  /** What the caller's credentials may do: the dashboard hides what they cannot. */
  scope: z.enum(KEY_SCOPES).optional(),
});
export type DashboardSettingsResponse = z.output<typeof DashboardSettingsResponse>;

export const HealthResponse = z.object({
  result: z.number(),
  status: z.enum(['ok', 'unavailable']),
  /** What cannot do its job, with since when (Unix seconds) and why: the database, the sweeper, the sender. */
  failing: z.array(z.object({ part: z.string(), since: z.number(), error: z.string() })).optional(),
  /** Alerts given up after their retries in the last 24 hours. */
  failedAlerts24h: z.number().optional(),
  hint: z.string().optional(),
});
export type HealthResponse = z.output<typeof HealthResponse>;

/** A status badge in shields.io's endpoint format: `GET /badge/:badgeKey/….json`. */
export const BadgeEndpoint = z.object({
  schemaVersion: z.literal(1),
  /** The service's name, or the tag's. */
  label: z.string(),
  /** `up`, `late`, `down`, `running`, `new`, `paused`, `cancelled`; for a tag, counts such as `3 up, 1 down`. */
  message: z.string(),
  /** A shields.io colour name: brightgreen, yellow, red, blue or lightgrey. */
  color: z.string(),
});
export type BadgeEndpoint = z.output<typeof BadgeEndpoint>;

/** Every error answer: `result` equals the HTTP status; `hint` says what to fix. */
export const ErrorResponse = z.object({
  result: z.number().int(),
  hint: z.string(),
  code: z.enum(ERROR_CODES),
  requestId: z.string(),
});
export type ErrorResponse = z.output<typeof ErrorResponse>;

/** Joins a zod error's issues into one sentence a person can act on. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const field = fieldPath(issue.path);
      if (issue.code === 'unrecognized_keys') {
        return `unknown ${issue.keys.length > 1 ? 'fields' : 'field'} ${issue.keys.join(', ')}`;
      }
      if (!field || issue.message.startsWith(field)) return issue.message;
      // An item of a list (`events[3]`) or its field (`events[3].level`): the message names
      // the field alone, so the path is said once, before it.
      const last = issue.path[issue.path.length - 1];
      if (issue.path.length > 1 && typeof last === 'string' && issue.message.startsWith(`${last} `)) {
        const rest = issue.message.slice(last.length + 1);
        return rest === 'is required' ? `${field} is required` : `${field}: ${rest}`;
      }
      if (typeof last === 'number') return `${field}: ${issue.message}`;
      if (issue.code === 'invalid_type' && issue.input === undefined) return `${field} is required`;
      return `${field}: ${issue.message}`;
    })
    .join('; ');
}

/** A field's path as a person writes it: `events[3].level`. */
function fieldPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const part of path) text += typeof part === 'number' ? `[${part}]` : text === '' ? String(part) : `.${String(part)}`;
  return text;
}
