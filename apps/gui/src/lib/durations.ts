const UNITS = [
  ['d', 86_400],
  ['h', 3_600],
  ['min', 60],
  ['s', 1],
] as const;

/** A duration in words a person reads at a glance: at most two units, "1 min 30 s", "2 d 3 h". */
export function formatDuration(seconds: number): string {
  if (!(seconds > 0)) return '0 s';
  if (seconds < 1) return `${Math.round(seconds * 10) / 10} s`;
  let rest = Math.floor(seconds);
  const parts: string[] = [];
  for (const [unit, size] of UNITS) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0) parts.push(`${count} ${unit}`);
    // The unit after the first one shown is the last: "1 h 5 min", never "1 h 5 min 3 s".
    if (parts.length > 0 && (parts.length === 2 || count === 0)) break;
  }
  return parts.join(' ');
}

/** "12 s ago", "just now". */
export function formatAgo(seconds: number): string {
  if (seconds < 1) return 'just now';
  return `${formatDuration(seconds)} ago`;
}

/** Time left until a deadline: "in 1 min 5 s", or "overdue by 3 s" once it has passed. */
export function formatCountdown(secondsLeft: number): string {
  if (secondsLeft >= 0) return `in ${formatDuration(Math.ceil(secondsLeft))}`;
  return `overdue by ${formatDuration(Math.floor(-secondsLeft))}`;
}

const SINCE = /^(\d+)(s|m|h|d|w)?$/;
const SINCE_SECONDS = { s: 1, m: 60, h: 3_600, d: 86_400, w: 604_800 } as const;

/** Parses a duration as the config's presets write it (90s, 15m, 2h, 1d, 1w; no unit means seconds). */
export function parseSince(text: string): number | undefined {
  const match = SINCE.exec(text.trim());
  if (!match) return undefined;
  const unit = (match[2] ?? 's') as keyof typeof SINCE_SECONDS;
  return Number(match[1]) * SINCE_SECONDS[unit];
}

/** Words for a `since` duration: "1h" → "last hour", "2h" → "last 2 h". */
export function describeSince(text: string): string {
  const seconds = parseSince(text);
  if (seconds === undefined) return text;
  const named: Record<number, string> = { 3_600: 'last hour', 86_400: 'last day', 604_800: 'last week' };
  return named[seconds] ?? `last ${formatDuration(seconds)}`;
}

const pad = (value: number) => String(value).padStart(2, '0');

/** Unix seconds as a local date and time, "2026-01-31 14:05:09". */
export function formatDateTime(unixSeconds: number): string {
  const date = new Date(unixSeconds * 1000);
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** Local time of day, "14:05:09". */
export function formatTime(unixSeconds: number): string {
  const date = new Date(unixSeconds * 1000);
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** Unix seconds in the value format of `<input type="datetime-local">` (local time). */
export function toDateTimeLocal(unixSeconds: number): string {
  const date = new Date(unixSeconds * 1000);
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** The value of `<input type="datetime-local">` (local time) as Unix seconds. */
export function fromDateTimeLocal(value: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value)) return undefined;
  const millis = new Date(value).getTime();
  return Number.isFinite(millis) ? millis / 1000 : undefined;
}
