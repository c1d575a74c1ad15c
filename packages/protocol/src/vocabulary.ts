// The words every part of watchtower shares: levels, channels, statuses, durations and
// times. No zod here: browsers and the dashboard import this module on its own.

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

/** The name of a level number (`40` → `error`), or undefined when it has none. */
export function findLevelName(level: number): LevelName | undefined {
  return LEVEL_NAMES.find((name) => LEVELS[name] === level);
}

/** The name of a level number (`40` → `error`), or the number as text when it has none (`35` → `35`). */
export function levelName(level: number): string {
  return findLevelName(level) ?? String(level);
}

/**
 * Reads a level: a whole number from 0 to MAX_LEVEL (a number, or text holding one) or a
 * level name in any case. Answers undefined for anything else.
 */
export function parseLevel(value: unknown): number | undefined {
  let number = Number.NaN;
  if (typeof value === 'number') number = value;
  else if (typeof value === 'string') {
    const text = value.trim().toLowerCase();
    if (Object.hasOwn(LEVELS, text)) return LEVELS[text as LevelName];
    if (/^\+?\d+$/.test(text)) number = Number(text);
  }
  return Number.isInteger(number) && number >= 0 && number <= MAX_LEVEL ? number : undefined;
}

/** Alert channels a heartbeat may name in `alertType` (`mail` is an alias of `email`). */
export const ALERT_TYPES = ['pushover', 'email', 'mail', 'webhook', 'slack', 'log'] as const;
export type AlertType = (typeof ALERT_TYPES)[number];

/**
 * Why an alert was raised: a death (`down`, or `failed` when a run said so), a `recovered`
 * service, a `late` notice before a deadline, a `reminder` while dead, or an `event`.
 */
export const ALERT_KINDS = ['down', 'recovered', 'failed', 'late', 'reminder', 'event'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/**
 * Where an alert's delivery stands: waiting (or retrying), delivered, given up (after the
 * retry window, or at once when the provider refused for good), or not sent because the
 * service recovered first and the recovery alert said both.
 */
export const ALERT_STATUSES = ['pending', 'sent', 'failed', 'superseded'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/**
 * What the server reports about a heartbeat: the classic `alive`, `dead` and `cancelled`,
 * and, only for services that use those features, `new` (created by PUT, no signal yet),
 * `started` (a run is under way), `late` (within warnBefore of the deadline) and `paused`.
 */
export const HEARTBEAT_STATUSES = ['alive', 'dead', 'cancelled', 'new', 'started', 'late', 'paused'] as const;
export type HeartbeatStatus = (typeof HEARTBEAT_STATUSES)[number];

/**
 * The states a service's history names: its HB statuses, `snoozed` while its alerts are
 * held, and `unknown` while no watchtower server ran (nothing was watched then).
 */
export const FLIP_STATUSES = [...HEARTBEAT_STATUSES, 'snoozed', 'unknown'] as const;
export type FlipStatus = (typeof FLIP_STATUSES)[number];

/**
 * Why a service's state changed: a `pulse`, one that came back (`recovered`), a `start`,
 * a run that `failed`, a silence past the `deadline`, a run past its maxRuntime
 * (`timeout`), a `late` notice, `created`, `paused`, `resumed`, `cancelled`, `snoozed`,
 * `unsnoozed`, or the server itself: `serverDown` (no server ran) and `serverUp`.
 */
export const FLIP_CAUSES = [
  'created',
  'pulse',
  'recovered',
  'start',
  'failed',
  'deadline',
  'timeout',
  'late',
  'paused',
  'resumed',
  'cancelled',
  'snoozed',
  'unsnoozed',
  'serverDown',
  'serverUp',
] as const;
export type FlipCause = (typeof FLIP_CAUSES)[number];

/** The states that count as up in an uptime figure; `dead` counts as down, and the others not at all. */
export const UP_STATUSES = ['alive', 'started', 'late'] as const satisfies readonly FlipStatus[];

/** The windows of a service's uptime, by name, in seconds. */
export const UPTIME_WINDOWS = { '24h': 86_400, '7d': 604_800, '30d': 2_592_000 } as const;
export type UptimeWindow = keyof typeof UPTIME_WINDOWS;

/** How a run ended, or `running` while it has not. */
export const RUN_OUTCOMES = ['running', 'success', 'fail', 'timeout'] as const;
export type RunOutcome = (typeof RUN_OUTCOMES)[number];

/** How a service's deadline is set: by each pulse's nextIn, a fixed period, or a cron expression. */
export const SCHEDULE_KINDS = ['nextIn', 'period', 'cron'] as const;
export type ScheduleKind = (typeof SCHEDULE_KINDS)[number];

/** What an API key may do: `pulse` (signals and events), `read` (every GET) or `admin` (everything). */
export const KEY_SCOPES = ['pulse', 'read', 'admin'] as const;
export type KeyScope = (typeof KEY_SCOPES)[number];

/** Whether a key of scope `held` may call a route that needs `needed`: admin covers all, read and pulse only themselves. */
export function coversScope(held: KeyScope, needed: KeyScope): boolean {
  return held === needed || held === 'admin';
}

/**
 * Seconds as a number, or text: `90` or `90s` (seconds), `15m`, `1h`, `1d`, `1w`, or
 * several units from the largest down (`1h30m`, `1d 12h`); fractions allowed (`1.5h`).
 */
export type Duration = number | string;

const DURATION_UNITS: Record<string, { seconds: number; rank: number }> = {
  w: { seconds: 604_800, rank: 5 },
  d: { seconds: 86_400, rank: 4 },
  h: { seconds: 3_600, rank: 3 },
  m: { seconds: 60, rank: 2 },
  min: { seconds: 60, rank: 2 },
  s: { seconds: 1, rank: 1 },
};
const AMOUNT = '(\\d+(?:\\.\\d+)?|\\.\\d+)';
const PLAIN_SECONDS = new RegExp(`^${AMOUNT}$`);
const DURATION_PART = new RegExp(`${AMOUNT}\\s*(min|[wdhms])\\s*`, 'iy');
const DURATION_EXAMPLES = '90, 90s, 15m, 1h30m, 1.5h, 1d or 1w';

/** Seconds of a duration text, or a reason it is not one. */
function readDuration(text: string): number | { reason: string } {
  if (PLAIN_SECONDS.test(text)) return Number(text);
  let total = 0;
  let lastRank = Number.POSITIVE_INFINITY;
  DURATION_PART.lastIndex = 0;
  while (DURATION_PART.lastIndex < text.length) {
    const match = DURATION_PART.exec(text);
    if (!match) return { reason: '' };
    const unit = DURATION_UNITS[match[2]!.toLowerCase()]!;
    if (unit.rank >= lastRank) return { reason: ' (units go from the largest to the smallest, each once)' };
    lastRank = unit.rank;
    total += Number(match[1]) * unit.seconds;
  }
  if (lastRank === Number.POSITIVE_INFINITY) return { reason: '' };
  // 1.1h is 3960 s, not 3960.0000000000005: sums are kept to the microsecond.
  return Math.round(total * 1e6) / 1e6;
}

/**
 * Reads a duration as seconds: a number, or text such as `90`, `90s`, `15m`, `1h30m`,
 * `1.5h`, `1d`, `1w` (any case, spaces allowed between parts). Throws a RangeError naming
 * `field` when it is not a positive duration.
 */
export function parseDuration(value: Duration, field = 'duration'): number {
  let seconds = Number.NaN;
  let reason = '';
  if (typeof value === 'number') seconds = value;
  else if (typeof value === 'string') {
    const read = readDuration(value.trim());
    if (typeof read === 'number') seconds = read;
    else reason = read.reason;
  }
  if (Number.isFinite(seconds) && seconds > 0) return seconds;
  throw new RangeError(
    `${field} must be a positive number of seconds or a duration such as ${DURATION_EXAMPLES}; received ${JSON.stringify(value)}${reason}`,
  );
}

/**
 * Seconds of a duration text as parseDuration reads it (`90`, `15m`, `1h30m`, …), zero
 * included, or undefined when the text is not a duration.
 */
export function readDurationText(text: string): number | undefined {
  const read = readDuration(text.trim());
  return typeof read === 'number' ? read : undefined;
}

const SPOKEN_UNITS = [
  ['d', 86_400],
  ['h', 3_600],
  ['min', 60],
  ['s', 1],
] as const;

/**
 * A span of seconds in words, as a person reads it at a glance: the largest unit and the
 * next one when it is not zero ("2 min", "2 h 5 min", "1 d 3 h", "45 s"); under 10 s to a
 * tenth ("2.3 s"), under 1 s to a hundredth ("0.25 s"). Longer spans count whole seconds
 * (rounded), and the smaller unit shown is cut, not rounded: 7_199 s is "1 h 59 min".
 * Negative, zero and invalid spans are "0 s".
 */
export function formatDuration(seconds: number): string {
  if (!(seconds > 0) || !Number.isFinite(seconds)) return '0 s';
  if (seconds < 10) return `${Number(seconds.toFixed(seconds < 1 ? 2 : 1))} s`;
  const whole = Math.round(seconds);
  const index = SPOKEN_UNITS.findIndex(([, size]) => whole >= size);
  const [unit, size] = SPOKEN_UNITS[index]!;
  const first = `${Math.floor(whole / size)} ${unit}`;
  const next = SPOKEN_UNITS[index + 1];
  if (!next) return first;
  const count = Math.floor((whole % size) / next[1]);
  return count > 0 ? `${first} ${count} ${next[0]}` : first;
}

/**
 * A point in time as ISO-8601 in UTC to the second, "2026-01-31T12:00:00Z", from a Date
 * or Unix seconds. Milliseconds are dropped, not rounded.
 */
export function formatIsoTime(at: Date | number): string {
  const date = typeof at === 'number' ? new Date(Math.floor(at) * 1000) : at;
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
