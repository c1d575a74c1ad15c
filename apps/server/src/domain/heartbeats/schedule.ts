import { formatDuration } from '@watchtower/protocol';
import { Cron, type CronOptions } from 'croner';
import { DomainError } from '../errors.js';

/** When a service is expected to signal next: the wire form of HB's `schedule`. */
export type Schedule = { kind: 'nextIn'; nextIn: number } | { kind: 'period'; period: number } | { kind: 'cron'; cron: string; tz: string };

const CRON_OPTIONS = {
  // minute hour day-of-month month day-of-week, as crontab(5): no seconds or years field.
  mode: '5-part',
  // A restricted day of month and day of week are OR-ed, as in Vixie cron ("0 0 1 * 1": the 1st and every Monday).
  domAndDow: false,
  // Day of week 0 and 7 are both Sunday, 1 is Monday (not Quartz's 1 = Sunday).
  alternativeWeekdays: false,
  // Steps only as */n or a-b/n; croner's lenient "5/5" means different things in different crons.
  sloppyRanges: false,
} as const satisfies CronOptions;

const FIELDS = [
  { name: 'minute', values: '0-59' },
  { name: 'hour', values: '0-23' },
  { name: 'day of month', values: '1-31' },
  { name: 'month', values: '1-12 or JAN-DEC' },
  { name: 'day of week', values: '0-7 (0 and 7 are Sunday) or SUN-SAT' },
] as const;

const CRON_EXAMPLE = '"15 3 * * 1-5" (03:15 on weekdays)';

/** croner's reasons (pinned version), in the words a person writing a crontab line uses. */
const REASONS: [RegExp, (values: string) => string][] = [
  [/Invalid value for/, (values) => `is out of range: this field takes ${values}`],
  [/contains illegal characters/, (values) => `has characters this field does not take: it takes ${values}, with * , - /`],
  [/stepping with (numeric|missing) prefix/, () => 'has a step without * or a range before it: write */5 or 0-30/5'],
  [/illegal stepping|steps cannot be greater/, () => 'has a step that is not a whole number from 1 up to the range'],
  [/From value is larger than to value/, () => 'has a range that goes from high to low: write it low-high, as 1-5'],
  [/illegal range/, () => 'has a range that is not of the form low-high, as 1-5'],
  [/is empty/, () => 'has an empty item: two commas in a row, or a comma at an end'],
];

// Parsed patterns, reused: a pulse of a cron service needs one, and parsing costs more than the search.
const parsed = new Map<string, Cron>();
const PARSED_MAX = 1_000;

function splitFields(cron: string): string[] {
  const text = cron.trim();
  return text === '' ? [] : text.split(/\s+/);
}

function checkFieldCount(cron: string, fields: string[]): void {
  if (fields.length === 5) return;
  const nickname = fields.length === 1 && fields[0]!.startsWith('@') ? '; write nicknames as 5 fields, e.g. @daily as "0 0 * * *"' : '';
  throw new DomainError(
    'VALIDATION_FAILED',
    `cron must have exactly 5 fields, minute hour day-of-month month day-of-week, such as ${CRON_EXAMPLE}; ` +
      `seconds and years fields are not accepted; received ${fields.length} field${fields.length === 1 ? '' : 's'}: ${JSON.stringify(cron)}${nickname}`,
  );
}

function checkZone(tz: string): void {
  let known = tz.trim() !== '';
  try {
    if (known) new Intl.DateTimeFormat('en', { timeZone: tz });
  } catch {
    known = false; // Intl throws a RangeError for a zone it does not know: the hint below says more.
  }
  if (!known) {
    throw new DomainError(
      'VALIDATION_FAILED',
      `tz must be an IANA time zone name such as Europe/Paris, America/New_York or UTC; received ${JSON.stringify(tz)}`,
    );
  }
}

/** Why croner refused a 5-field pattern, naming the first field that is wrong on its own. */
function explainSyntaxError(cron: string, fields: string[], error: unknown): DomainError {
  const message = (error instanceof Error ? error.message : String(error)).replace(/^Cron\w*: /, '');
  for (const [index, field] of FIELDS.entries()) {
    const alone = FIELDS.map((_, other) => (other === index ? fields[index] : '*')).join(' ');
    try {
      new Cron(alone, CRON_OPTIONS);
    } catch (fieldError) {
      const fieldMessage = fieldError instanceof Error ? fieldError.message : String(fieldError);
      const reason =
        REASONS.find(([pattern]) => pattern.test(fieldMessage))?.[1](field.values) ??
        `is refused: ${fieldMessage.replace(/^Cron\w*: /, '')}`;
      return new DomainError(
        'VALIDATION_FAILED',
        `cron ${JSON.stringify(cron)} is not valid: its ${field.name} field "${fields[index]}" ${reason}`,
      );
    }
  }
  return new DomainError('VALIDATION_FAILED', `cron ${JSON.stringify(cron)} is not valid: ${message}`);
}

// A 5-field pattern repeats within 400 years (the Gregorian cycle), and croner searches up to year 9999.
const NEVER_FIRES_PROBE = new Date('2000-01-01T00:00:00Z');

function parseCron(cron: string, tz: string): Cron {
  const key = `${tz}\n${cron}`;
  const known = parsed.get(key);
  if (known) return known;
  const fields = splitFields(cron);
  checkFieldCount(cron, fields);
  checkZone(tz);
  let pattern: Cron;
  try {
    pattern = new Cron(fields.join(' '), { ...CRON_OPTIONS, timezone: tz });
  } catch (error) {
    throw explainSyntaxError(cron, fields, error);
  }
  if (!pattern.nextRun(NEVER_FIRES_PROBE)) {
    throw new DomainError(
      'VALIDATION_FAILED',
      `cron ${JSON.stringify(cron)} never fires: no date matches its day of month, month and day of week together (such as 31 February)`,
    );
  }
  if (parsed.size >= PARSED_MAX) parsed.clear();
  parsed.set(key, pattern);
  return pattern;
}

/**
 * Checks a cron schedule: exactly 5 fields that croner accepts, a known IANA zone, and a
 * time that exists. Throws a VALIDATION_FAILED DomainError whose message says what is wrong.
 */
export function checkCron(cron: string, tz: string): void {
  parseCron(cron, tz);
}

function checkSeconds(field: string, seconds: number, allowZero: boolean): void {
  if (Number.isFinite(seconds) && (seconds > 0 || (allowZero && seconds === 0))) return;
  const expected = allowZero ? 'a number of seconds, 0 or more' : 'a positive number of seconds';
  throw new DomainError(
    'VALIDATION_FAILED',
    `${field} must be ${expected}; received ${typeof seconds === 'number' ? String(seconds) : JSON.stringify(seconds)}`,
  );
}

/**
 * The next expected run strictly after `after`: `after` plus the seconds of nextIn or
 * period, or the first cron time after it in the schedule's zone. On a day-saving change,
 * a fixed time (one minute and one hour) that does not exist runs at the first time after
 * the gap, and one that occurs twice runs once, at the first; a ranged or stepped time
 * runs at every wall time that exists (none in the gap, twice in the repeated hour).
 */
export function nextRunAfter(schedule: Schedule, after: Date): Date {
  if (schedule.kind === 'nextIn') {
    checkSeconds('nextIn', schedule.nextIn, false);
    return new Date(after.getTime() + schedule.nextIn * 1000);
  }
  if (schedule.kind === 'period') {
    checkSeconds('period', schedule.period, false);
    return new Date(after.getTime() + schedule.period * 1000);
  }
  const next = parseCron(schedule.cron, schedule.tz).nextRun(after);
  // parseCron has found a run after 2000; every later year has one too, up to 9999.
  if (!next) throw new DomainError('VALIDATION_FAILED', `cron ${JSON.stringify(schedule.cron)} has no run after ${after.toISOString()}`);
  return next;
}

/** When a service that signalled at `lastSignal` is late: its next expected run plus the grace. */
export function deadlineAfter(schedule: Schedule, graceSeconds: number, lastSignal: Date): Date {
  checkSeconds('grace', graceSeconds, true);
  return new Date(nextRunAfter(schedule, lastSignal).getTime() + graceSeconds * 1000);
}

/** A schedule in a few words for messages: "every 15 min", "cron 15 3 * * 1-5 (Europe/Paris)". */
export function describeSchedule(schedule: Schedule): string {
  if (schedule.kind === 'nextIn') return `within ${formatDuration(schedule.nextIn)} of each pulse`;
  if (schedule.kind === 'period') return `every ${formatDuration(schedule.period)}`;
  return `cron ${splitFields(schedule.cron).join(' ')} (${schedule.tz})`;
}
