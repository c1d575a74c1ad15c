import { formatDuration, parseDuration } from '@watchtower/protocol/vocabulary';

export { formatDuration };

/** "12 s ago", "just now": whole seconds, so the words change once a second, not every frame. */
export function formatAgo(seconds: number): string {
  if (seconds < 1) return 'just now';
  return `${formatDuration(Math.floor(seconds))} ago`;
}

/** Time left until a deadline: "in 1 min 5 s", or "overdue by 3 s" once it has passed. */
export function formatCountdown(secondsLeft: number): string {
  if (secondsLeft >= 0) return `in ${formatDuration(Math.ceil(secondsLeft))}`;
  return `overdue by ${formatDuration(Math.floor(-secondsLeft))}`;
}

/** Seconds of a duration as the config's presets write it (90s, 15m, 1h30m, 1d, 1w), or undefined. */
export function parseSince(text: string): number | undefined {
  try {
    return parseDuration(text);
  } catch {
    // A `since` from a URL or a preset that is not a duration is ignored, not fatal.
    return undefined;
  }
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
