// Error codes that mean the database cannot serve us now, not that the data was wrong:
// postgres.js connection codes, Node socket and file-system codes (PGlite's disk), and
// PostgreSQL's SQLSTATEs for a connection failure (08…), a shutdown (57P01–57P03), a
// read-only server (25006, a replica after a fail-over), exhausted resources (53…, a full
// disk), a cancelled statement (57014), a revoked grant (42501), and transient conflicts.
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENOSPC',
  'EROFS',
  'EIO',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  'WRITE_TIMEOUT',
  '25006',
  '40001',
  '40P01',
  '42501',
  '55P03',
  '57014',
  '57P01',
  '57P02',
  '57P03',
]);
const UNAVAILABLE_CLASSES = ['08', '53'];

/** A write that did not commit within its time; it is never applied afterwards. */
export class WriteTimeoutError extends Error {
  override name = 'WriteTimeoutError';
  readonly code = 'WRITE_TIMEOUT';

  constructor(
    message: string,
    /** How long the write had waited when it was given up. */
    readonly waitedMs = 0,
  ) {
    super(message);
  }
}

// Refusals of one statement (a conflict, a lock, a grant) that do not stop pulses from
// being heard: they answer 503, but open no outage.
const STATEMENT_REFUSALS = new Set(['40001', '40P01', '42501', '55P03']);

function isUnavailableCode(code: string): boolean {
  return UNAVAILABLE_CODES.has(code) || (code.length === 5 && UNAVAILABLE_CLASSES.includes(code.slice(0, 2)));
}

/** The first error code in an error's chain of causes. */
function codeOf(error: unknown): string | undefined {
  for (let cause: unknown = error, depth = 0; cause && depth < 5; cause = (cause as { cause?: unknown }).cause, depth += 1) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/**
 * True when the database could not hear writes at all (down, cut off, read-only, full, too
 * slow): pulses refused then may have been lost, so services get grace for that time.
 */
export function isDatabaseUnreachable(error: unknown): boolean {
  return isDatabaseUnavailable(error) && !STATEMENT_REFUSALS.has(codeOf(error) ?? '');
}

/** True when an error (or one of its causes) says the database is out of reach, not that the data was wrong. */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let cause: unknown = error, depth = 0; cause && depth < 5; cause = (cause as { cause?: unknown }).cause, depth += 1) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string' && isUnavailableCode(code)) return true;
    if (cause instanceof Error && /PGlite is closed/i.test(cause.message)) return true;
  }
  return false;
}

/**
 * What a failure means, in words safe to show without credentials (on /healthz and the
 * dashboard): never the error's own text, which may name hosts, paths or SQL.
 */
export function describeFailure(error: unknown): string {
  const code = codeOf(error) ?? '';
  if (code === '25006') return 'the database is read-only';
  if (code === '53100' || code === 'ENOSPC') return 'the database disk is full';
  if (code.startsWith('53')) return 'the database is out of resources';
  if (code === '42501') return 'the database refused a permission';
  if (code === 'WRITE_TIMEOUT' || code === '57014' || code === 'CONNECT_TIMEOUT' || code === 'ETIMEDOUT') {
    return 'the database did not answer in time';
  }
  if (isDatabaseUnavailable(error)) return 'the database cannot be reached';
  return 'an internal error (the server log has the details)';
}
