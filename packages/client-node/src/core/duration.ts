/** Seconds as a number, or text: `90` or `90s` (seconds), `15m`, `1h`, `1d`; fractions allowed (`1.5h`). */
export type Duration = number | string;

const UNITS: Record<string, number> = { '': 1, s: 1, m: 60, h: 3_600, d: 86_400 };
const DURATION = /^(\d+(?:\.\d+)?|\.\d+)\s*([smhd]?)$/i;

/**
 * Reads a duration as seconds. Throws a RangeError naming `field` when it is not a
 * positive number of seconds or a duration such as `90`, `90s`, `15m`, `1h`, `1d`.
 */
export function parseDuration(value: Duration, field = 'duration'): number {
  let seconds = Number.NaN;
  if (typeof value === 'number') seconds = value;
  else if (typeof value === 'string') {
    const match = DURATION.exec(value.trim());
    if (match) seconds = Number(match[1]) * (UNITS[(match[2] ?? '').toLowerCase()] ?? Number.NaN);
  }
  if (Number.isFinite(seconds) && seconds > 0) return seconds;
  throw new RangeError(
    `${field} must be a positive number of seconds or a duration such as 90, 90s, 15m, 1h or 1d; received ${JSON.stringify(value)}`,
  );
}
