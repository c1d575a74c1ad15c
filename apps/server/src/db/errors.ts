// Error codes that mean the database could not be reached or went away (postgres.js
// connection codes, Node socket codes, PostgreSQL's admin-shutdown and cannot-connect-now).
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  '57P01',
  '57P03',
]);

/** True when an error (or one of its causes) says the database is out of reach, not that the data was wrong. */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let cause: unknown = error, depth = 0; cause && depth < 5; cause = (cause as { cause?: unknown }).cause, depth += 1) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
    if (cause instanceof Error && /PGlite is closed/i.test(cause.message)) return true;
  }
  return false;
}
