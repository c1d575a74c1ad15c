import { describe, expect, it } from 'vitest';
import { createDeliveryError, excerptOf, isPermanentStatus } from './http-post.js';

describe('excerptOf', () => {
  it('keeps a short one-line text as it is', () => {
    expect(excerptOf('{"error":"invalid token"}')).toBe('{"error":"invalid token"}');
  });

  it('turns line breaks, tabs, control and format characters into single spaces', () => {
    expect(excerptOf('  not\r\nfound\t\u0007here\u001b[31m\u202eevil\u2028end  ')).toBe('not found here [31m evil end');
  });

  it('cuts a long text to 200 characters, the last an ellipsis', () => {
    const excerpt = excerptOf('x'.repeat(10_000));
    expect(Array.from(excerpt)).toHaveLength(200);
    expect(excerpt.endsWith('x…')).toBe(true);
  });

  it('never splits a character made of two UTF-16 units', () => {
    const excerpt = excerptOf('🔥'.repeat(300), 10);
    expect(excerpt).toBe(`${'🔥'.repeat(9)}…`);
  });
});

describe('createDeliveryError', () => {
  it('keeps at most 400 characters on one line', () => {
    const error = createDeliveryError(`hooks.example.com answered 500: ${'a\n'.repeat(5_000)}`);
    expect(error.message.length).toBeLessThanOrEqual(400);
    expect(error.message).not.toMatch(/[\r\n]/);
    expect(error.permanent).toBe(false);
  });

  it('passes the permanent flag on', () => {
    expect(createDeliveryError('gone', { permanent: true }).permanent).toBe(true);
  });
});

describe('isPermanentStatus', () => {
  it.each([400, 401, 403, 404, 405, 410, 413, 415, 422, 451, 301, 308])('calls %i permanent', (status) => {
    expect(isPermanentStatus(status)).toBe(true);
  });

  it.each([408, 409, 421, 423, 425, 429, 500, 502, 503, 504, 302, 303, 307, 200])('calls %i worth a retry', (status) => {
    expect(isPermanentStatus(status)).toBe(false);
  });
});
