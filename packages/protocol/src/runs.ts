import { z } from 'zod';
import { LIMITS } from './constants.js';
import { boundedText, expectationMessage, flag, NUMERIC, numeric, optional, pageCursor, pageLimit, answer } from './fields.js';
import { RUN_OUTCOMES } from './vocabulary.js';

/** A run id pairing a start with its end: 1 to 100 characters, no control characters (Healthchecks sends UUIDs). */
export const Rid = boundedText('rid', LIMITS.ridMaxLength, { min: 1 });

/** A process's exit code: a whole number from 0 to 255, or a string holding one. */
export const ExitCode = z.unknown().transform((value, ctx) => {
  const text = typeof value === 'string' ? value.trim() : undefined;
  const number = typeof value === 'number' ? value : text !== undefined && NUMERIC.test(text) ? Number(text) : Number.NaN;
  if (Number.isInteger(number) && number >= 0 && number <= 255) return number;
  ctx.addIssue({ code: 'custom', message: expectationMessage('exitCode', 'a whole number from 0 to 255', value) });
  return z.NEVER;
});
ExitCode.register(z.globalRegistry, {
  type: ['integer', 'string'],
  minimum: 0,
  maximum: 255,
  description: "the process's exit code, from 0 to 255",
});

/** The message of a run signal: at most 10,000 characters, line breaks allowed. */
const SignalMessage = boundedText('message', LIMITS.signalMessageMaxLength, { multiline: true });

/** Body of `POST /heartbeat/:service/start`. */
export const StartRequest = z.object({ rid: optional(Rid), message: optional(SignalMessage) });
export type StartRequest = z.output<typeof StartRequest>;
export type StartRequestInput = { rid?: string | undefined; message?: string | undefined };

/** Body of `POST /heartbeat/:service/fail`. */
export const FailRequest = z.object({ rid: optional(Rid), exitCode: optional(ExitCode), message: optional(SignalMessage) });
export type FailRequest = z.output<typeof FailRequest>;
export type FailRequestInput = { rid?: string | undefined; exitCode?: number | string | undefined; message?: string | undefined };

/** Body of `POST /heartbeat/:service/log`: a message kept as an event, with no change of state. */
export const LogRequest = z.object({ message: SignalMessage });
export type LogRequest = z.output<typeof LogRequest>;
export type LogRequestInput = { message: string };

/** Query of `GET /heartbeat/:service/runs`: newest first. */
export const RunsQuery = z.strictObject({
  limit: pageLimit(LIMITS.runsDefaultLimit, LIMITS.runsMaxLimit),
  before: pageCursor,
});
export type RunsQuery = z.output<typeof RunsQuery>;
export type RunsQueryInput = { limit?: number | string | undefined; before?: string | undefined };

/**
 * One run of a service. Times are Unix seconds. `started` is null when an end came
 * without a start; `ended`, `duration` and `exitCode` are null while it runs.
 */
export const Run = z.object({
  id: z.number().int(),
  rid: z.string().nullable(),
  started: z.number().nullable(),
  ended: z.number().nullable(),
  duration: z.number().nullable(),
  outcome: z.enum(RUN_OUTCOMES),
  exitCode: z.number().int().nullable(),
  message: z.string().nullable(),
});
export type Run = z.output<typeof Run>;

export const ListRunsResponse = answer({
  runs: z.array(Run),
  next: z.string().nullable(),
});
export type ListRunsResponse = z.output<typeof ListRunsResponse>;

/**
 * Query of a ping URL (`/ping/…`). `create` (with a pulse key and a slug) creates the
 * service on its first ping. Other parameters are ignored, as Healthchecks does.
 */
export const PingQuery = z.object({
  rid: optional(Rid),
  create: optional(flag('create').meta({ description: 'with a pulse key and a name: create the service on its first ping' })).transform(
    (value) => value ?? false,
  ),
});
export type PingQuery = z.output<typeof PingQuery>;

// Read by PushQuery; what it accepts, for the API reference.
const PushStatus = z.unknown().meta({ type: 'string', enum: ['up', 'down'], description: 'up (when absent): a success; down: a failure' });

/** Query of Uptime Kuma's push URL (`GET /api/push/:token`); status `up` unless told. */
export const PushQuery = z.object({
  status: optional(
    PushStatus.transform((value, ctx) => {
      if (value === 'up' || value === 'down') return value;
      ctx.addIssue({ code: 'custom', message: expectationMessage('status', 'up or down', value) });
      return z.NEVER;
    }),
  ).transform((value) => value ?? 'up'),
  msg: optional(boundedText('msg', LIMITS.signalMessageMaxLength, { multiline: true })),
  /** The response time the pusher measured, in milliseconds. */
  ping: optional(
    numeric('ping', 'a response time in milliseconds', { minimum: 0 }).pipe(z.number().min(0, { message: 'ping must be at least 0' })),
  ),
});
export type PushQuery = z.output<typeof PushQuery>;

export const PushResponse = z.object({ ok: z.literal(true) });
export type PushResponse = z.output<typeof PushResponse>;
