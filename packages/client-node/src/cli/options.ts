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

/** A whole number option from `min` to `max`. */
export function parseCount(name: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!/^\d+$/.test(value.trim()) || number < 1 || number > max) {
    throw new UsageError(`--${name} must be a whole number from 1 to ${max}; received ${JSON.stringify(value)}`);
  }
  return number;
}
