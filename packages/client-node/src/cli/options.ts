import { ALERT_TYPES, type AlertType, parseDuration } from '@watchtower/protocol/vocabulary';

/** A mistake on the command line: said in one line, with the fix; exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Turns util.parseArgs's errors into one-line UsageErrors; passes others through. */
export function usageErrorOf(error: unknown): unknown {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  const option = /'(-[^' ]+)/.exec(message)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return new UsageError(`unknown option ${option ?? message}`);
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    return new UsageError(message.includes('argument missing') ? `${option} needs a value` : `${option} takes no value`);
  }
  return error;
}

/** `pushover:KEY` → the channel and its address (split at the first colon, so URLs stay whole). */
export function parseAlert(value: string | undefined): { alertType: AlertType; alertTarget: string } {
  if (value === undefined) {
    throw new UsageError('--alert is required: where the "not pulsing" alert goes, such as --alert pushover:USER_KEY or --alert log:ops');
  }
  const colon = value.indexOf(':');
  const type = colon < 0 ? value : value.slice(0, colon);
  const target = colon < 0 ? '' : value.slice(colon + 1);
  if (!(ALERT_TYPES as readonly string[]).includes(type)) {
    throw new UsageError(
      `--alert must start with one of ${ALERT_TYPES.join(', ')} and a colon, such as --alert pushover:USER_KEY; received ${JSON.stringify(value)}`,
    );
  }
  if (!target)
    throw new UsageError(
      `--alert ${type}: needs the address after the colon, such as --alert ${type}:${type === 'email' || type === 'mail' ? 'ops@example.com' : 'TARGET'}`,
    );
  return { alertType: type as AlertType, alertTarget: target };
}

/** A required duration option, in seconds. */
export function parseDurationOption(name: string, value: string | undefined, example: string): number {
  if (value === undefined) throw new UsageError(`--${name} is required, such as --${name} ${example}`);
  try {
    return parseDuration(value, `--${name}`);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

const DATE_TEXT = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * A date option as Unix seconds: ISO-8601 (`2026-12-24T18:00:00Z`; without a zone, local
 * time, as this command prints dates) or Unix seconds.
 */
export function parseDateOption(name: string, value: string): number {
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  const match = DATE_TEXT.exec(text);
  // Date.parse takes a bare date as UTC, and rolls February 30 over into March.
  const ms = !match ? Number.NaN : match[4] === undefined ? Date.parse(`${text}T00:00`) : Date.parse(text);
  const [year, month, day] = (match ?? []).slice(1, 4).map(Number);
  const daysInMonth = new Date(Date.UTC(year ?? 0, month ?? 0, 0)).getUTCDate();
  if (Number.isNaN(ms) || day === undefined || day < 1 || day > daysInMonth) {
    throw new UsageError(
      `--${name} must be a date such as 2026-12-24T18:00:00Z, 2026-12-24 18:00 (local time) or Unix seconds; received ${JSON.stringify(value)}`,
    );
  }
  return ms / 1000;
}

/** A whole number option from `min` to `max`. */
export function parseCount(name: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!/^\d+$/.test(value.trim()) || number < 1 || number > max) {
    throw new UsageError(`--${name} must be a whole number from 1 to ${max}; received ${JSON.stringify(value)}`);
  }
  return number;
}
