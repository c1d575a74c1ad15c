import type { Context } from 'hono';
import { DomainError } from '../domain/errors.js';

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new DomainError('VALIDATION_FAILED', `the body is not valid JSON: ${(error as Error).message}`);
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

// Read leniently, bytes that are not UTF-8 would be stored as U+FFFD in place of what was meant.
function decodeUtf8(bytes: ArrayBuffer): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new DomainError('VALIDATION_FAILED', 'the body is not valid UTF-8');
  }
}

function parseForm(text: string): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(text));
}

/**
 * The request body as a plain object: JSON, or an urlencoded form (whose values are
 * strings). A form-typed or untyped body that starts with "{" is read as JSON.
 */
export async function readBody(c: Context): Promise<Record<string, unknown>> {
  const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  let bytes: ArrayBuffer;
  try {
    bytes = await c.req.arrayBuffer();
  } catch {
    // The body comes from the client alone: a read that fails (a hang-up mid-body, broken
    // chunked framing) is its request's fault, never the database's.
    throw new DomainError('VALIDATION_FAILED', 'the request ended before it was complete; nothing was stored');
  }
  let body: unknown;
  if (type === 'application/json' || type.endsWith('+json')) {
    const text = decodeUtf8(bytes);
    body = text.trim() === '' ? {} : parseJson(text);
  } else if (type === 'application/x-www-form-urlencoded' || type === '' || type === 'text/plain') {
    // `curl -d '{"service":…}'` labels JSON as a form; no real form starts with "{".
    const trimmed = decodeUtf8(bytes).trim();
    body = trimmed.startsWith('{') ? parseJson(trimmed) : parseForm(trimmed);
  } else {
    throw new DomainError(
      'UNSUPPORTED_MEDIA_TYPE',
      `content-type ${type} is not accepted; send application/json or application/x-www-form-urlencoded`,
    );
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new DomainError('VALIDATION_FAILED', 'the body must be a JSON object such as {"service": "backup"}');
  }
  return body as Record<string, unknown>;
}
