// Building blocks of the schemas: how a field reads a number, a duration, a short name or
// a list, and how its errors are worded. Not exported from the package.
import { z } from 'zod';
import { LIMITS } from './constants.js';
import { readDurationText } from './vocabulary.js';

export const NUMERIC = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
export const CONTROL = /\p{Cc}/u;
// Text PostgreSQL cannot store: NUL, and UTF-16 halves without their other half.
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is the character PostgreSQL refuses
export const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const storable = (field: string) =>
  [(text: string) => !UNSTORABLE.test(text), { message: `${field} must not contain NUL characters or broken UTF-16` }] as const;

/** A received value in words, for error messages. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing (the field is missing)';
  if (value === null) return 'null';
  if (typeof value === 'string') {
    const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
    return `the string ${JSON.stringify(shown)}`;
  }
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** The message for a missing or wrong value: "x is required: …" or "x must be …; received …". */
export function expectationMessage(field: string, expectation: string, value: unknown): string {
  return value === undefined ? `${field} is required: ${expectation}` : `${field} must be ${expectation}; received ${describeValue(value)}`;
}

/**
 * How a field reads in the API reference (JSON Schema): a transform shows nothing of what it
 * accepts, so each one states its types, limits and words with `.meta()` or `.register()`.
 */
export type FieldDoc = Record<string, unknown> & { description?: string };

/** A number, or a string holding one (form bodies and query strings carry numbers as text). */
export function numeric(field: string, expectation: string, doc: FieldDoc = {}) {
  const read = z.unknown().transform((value, ctx) => {
    const number =
      typeof value === 'number' ? value : typeof value === 'string' && NUMERIC.test(value.trim()) ? Number(value.trim()) : Number.NaN;
    if (!Number.isFinite(number)) {
      ctx.addIssue({ code: 'custom', message: expectationMessage(field, expectation, value) });
      return z.NEVER;
    }
    return number;
  });
  return read.meta({ type: ['number', 'string'], description: `${expectation} (a numeric string is read as its number)`, ...doc });
}

/** Absent when missing or empty (HTML forms send empty fields as ""). */
export const optional = <T extends z.ZodType>(schema: T) => z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

/** For a change: absent when missing, `null` (the field is cleared) when null or "". */
export const clearable = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? null : value), schema.nullable().optional());

/** A page size from 1 to `max`, as a number or a string; `fallback` when absent. */
export const pageLimit = (fallback: number, max: number) =>
  optional(
    numeric('limit', `a whole number from 1 to ${max}`, {
      type: ['integer', 'string'],
      minimum: 1,
      maximum: max,
      description: `how many to answer, from 1 to ${max}; ${fallback} when absent`,
    }).pipe(
      z
        .number()
        .int({ message: 'limit must be a whole number' })
        .min(1, { message: 'limit must be at least 1' })
        .max(max, { message: `limit must be at most ${max}` }),
    ),
  ).transform((value) => value ?? fallback);

/** The cursor of a page (`next` of the previous answer). */
export const pageCursor = optional(z.string().max(200, { message: 'before must be a cursor returned as next' })).meta({
  description: 'the `next` of the previous page, to read the page after it',
});

/** true or false, also as a form sends them: "true", "1", "false", "0", "". */
export const flag = (field: string) => {
  const read = z.unknown().transform((value, ctx) => {
    if (value === null) return false;
    if (typeof value === 'boolean') return value;
    if (value === 'true' || value === '1' || value === 1) return true;
    if (value === 'false' || value === '0' || value === 0 || value === '') return false;
    ctx.addIssue({ code: 'custom', message: `${field} must be true or false; received ${describeValue(value)}` });
    return z.NEVER;
  });
  return read.meta({
    anyOf: [{ type: 'boolean' }, { type: 'string', enum: ['true', '1', 'false', '0', ''] }],
    description: 'true or false (a form sends "true", "1", "false", "0" or "")',
  });
};

const DURATION_EXAMPLES = '90s, 15m, 1h30m or 1d';
const YEAR = LIMITS.nextInMaxSeconds;

/**
 * A span of seconds: a number, a numeric string, or a duration text such as `15m` or
 * `1h30m`; greater than 0 (or at least 0 when `zero` is allowed) and at most a year.
 */
export function durationField(field: string, { zero = false }: { zero?: boolean } = {}) {
  const lowest = zero ? '≥ 0' : '> 0';
  const expectation = `a number of seconds ${lowest} and ≤ ${YEAR}, or a duration such as ${DURATION_EXAMPLES}`;
  const read = z.unknown().transform((value, ctx) => {
    let seconds = Number.NaN;
    if (typeof value === 'number') seconds = value;
    else if (typeof value === 'string') {
      const text = value.trim();
      seconds = NUMERIC.test(text) ? Number(text) : (readDurationText(text) ?? Number.NaN);
    }
    let message: string | undefined;
    if (!Number.isFinite(seconds)) message = expectationMessage(field, expectation, value);
    else if (zero ? seconds < 0 : seconds <= 0) {
      message = `${field} must be ${zero ? 'at least 0' : 'greater than 0'} seconds; received ${describeValue(value)}`;
    } else if (seconds > YEAR) message = `${field} must be at most ${YEAR} seconds (a year); received ${describeValue(value)}`;
    if (message === undefined) return seconds;
    ctx.addIssue({ code: 'custom', message });
    return z.NEVER;
  });
  return read.meta({ type: ['number', 'string'], description: expectation, examples: [3600, '1h30m'] });
}

/** Text of at most `max` characters (code points), storable; control characters refused unless `multiline`. */
export function boundedText(field: string, max: number, { min = 0, multiline = false }: { min?: number; multiline?: boolean } = {}) {
  const size = min > 0 ? `${min} to ${max}` : `at most ${max}`;
  const read = z.unknown().transform((value, ctx) => {
    const fail = (message: string) => {
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    };
    if (typeof value !== 'string') return fail(expectationMessage(field, `a string of ${size} characters`, value));
    const length = [...value].length;
    if (length < min) return fail(`${field} must not be empty`);
    if (length > max) return fail(`${field} must be at most ${max} characters; received ${length}`);
    if (UNSTORABLE.test(value)) return fail(`${field} must not contain NUL characters or broken UTF-16`);
    if (!multiline && CONTROL.test(value)) return fail(`${field} must not contain control characters`);
    return value;
  });
  const lines = multiline ? ', line breaks allowed' : ', no control characters';
  return read.meta({ type: 'string', ...(min > 0 && { minLength: min }), maxLength: max, description: `${size} characters${lines}` });
}

/** A service name: 1 to 200 characters, any Unicode but control characters (and not starting with U+FEFF). */
export function serviceName(field: string) {
  const max = LIMITS.serviceMaxLength;
  const read = z.unknown().transform((value, ctx) => {
    const fail = (message: string) => {
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    };
    if (typeof value !== 'string') return fail(expectationMessage(field, `a string of 1 to ${max} characters`, value));
    const length = [...value].length;
    if (length === 0) return fail(`${field} must not be empty`);
    if (length > max) return fail(`${field} must be at most ${max} characters; received ${length}`);
    if (CONTROL.test(value) || UNSTORABLE.test(value)) return fail(`${field} must not contain control characters or broken UTF-16`);
    // The embedded database drops a leading U+FEFF from the text it returns: the name would change.
    if (value.startsWith('\uFEFF')) return fail(`${field} must not start with U+FEFF (a byte-order mark)`);
    return value;
  });
  return read.meta({
    type: 'string',
    minLength: 1,
    maxLength: max,
    description: `a service name: 1 to ${max} characters, any but control characters`,
  });
}

const SHORT_NAME = /^[\p{L}\p{N}_.:-]+$/u;

/** A short name (a tag, a channel): 1 to 50 letters, digits and `-` `_` `.` `:`. */
export function shortName(field: string) {
  const max = LIMITS.shortNameMaxLength;
  const expectation = `1 to ${max} letters, digits and - _ . :`;
  const read = z.unknown().transform((value, ctx) => {
    if (typeof value === 'string' && SHORT_NAME.test(value) && [...value].length <= max) return value;
    ctx.addIssue({ code: 'custom', message: expectationMessage(field, expectation, value) });
    return z.NEVER;
  });
  return read.meta({ type: 'string', minLength: 1, maxLength: max, description: expectation });
}

/**
 * A list of at most `max` distinct items. A single string is a list of one, as a form
 * sends it. Each item's errors name its place (`tags[2] must be …`).
 */
export function listOf<T>(field: string, item: (name: string) => z.ZodType<T>, max: number) {
  const read = z.unknown().transform((value, ctx) => {
    const list = typeof value === 'string' ? [value] : value;
    if (!Array.isArray(list)) {
      ctx.addIssue({ code: 'custom', message: expectationMessage(field, `a list of at most ${max} items`, value) });
      return z.NEVER;
    }
    if (list.length > max) {
      ctx.addIssue({ code: 'custom', message: `${field} must have at most ${max} items; received ${list.length}` });
      return z.NEVER;
    }
    const items: T[] = [];
    const problems: string[] = [];
    for (const [index, entry] of list.entries()) {
      const parsed = item(`${field}[${index}]`).safeParse(entry);
      if (!parsed.success) problems.push(...parsed.error.issues.map((issue) => issue.message));
      else if (items.includes(parsed.data)) problems.push(`${field} must not repeat ${JSON.stringify(parsed.data)}`);
      else items.push(parsed.data);
    }
    for (const message of problems) ctx.addIssue({ code: 'custom', message });
    return problems.length > 0 ? z.NEVER : items;
  });
  return read.meta({
    type: 'array',
    items: itemDoc(item(field)),
    maxItems: max,
    uniqueItems: true,
    description: `at most ${max} distinct items (a single string is a list of one)`,
  });
}

/** The documentation of a list's item, without its own description. */
function itemDoc(item: z.ZodType): FieldDoc {
  const { description: _, ...doc } = (z.globalRegistry.get(item) ?? {}) as FieldDoc;
  return doc;
}

/** A success answer: `{"result":200, …}` with the given fields. */
export const answer = <T extends z.ZodRawShape>(shape: T) => z.object({ result: z.literal(200), ...shape });
