import { pino, type Logger } from 'pino';

export type { Logger };

// Names under which a credential could reach a log line (a channel's settings, a header):
// never written, whatever code passes them by mistake.
const SECRET_KEYS = ['password', 'token', 'secret', 'previousSecret', 'routingKey', 'apiKey', 'authorization'];
export const REDACTED_PATHS = [...SECRET_KEYS, ...SECRET_KEYS.map((key) => `*.${key}`)];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'watchtower' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED_PATHS, censor: '[secret]' },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** A logger that writes nothing, for tests. */
export const silentLogger: Logger = pino({ level: 'silent' });
