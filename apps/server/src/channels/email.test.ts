import { describe, expect, it } from 'vitest';
import { resendFailure } from './email.js';

const answered = { connected: true, showMessage: true };

describe('resendFailure', () => {
  it.each([
    [401, 'invalid_api_key'],
    [401, 'missing_api_key'],
    [403, 'restricted_api_key'],
    [403, 'invalid_from_address'],
    [404, 'not_found'],
    [409, 'invalid_idempotent_request'],
    [422, 'validation_error'],
    [422, 'missing_required_field'],
    [400, 'invalid_idempotency_key'],
    [404, 'application_error'],
    [null, 'missing_required_field'],
  ])('makes %s %s permanent', (statusCode, name) => {
    expect(resendFailure({ statusCode, name: name as never, message: 'no' }, answered).permanent).toBe(true);
  });

  it.each([
    [429, 'rate_limit_exceeded'],
    [429, 'daily_quota_exceeded'],
    [429, 'monthly_quota_exceeded'],
    [409, 'concurrent_idempotent_requests'],
    [500, 'application_error'],
    [500, 'internal_server_error'],
    [503, 'application_error'],
    [null, 'application_error'],
  ])('keeps %s %s worth a retry', (statusCode, name) => {
    expect(resendFailure({ statusCode, name: name as never, message: 'later' }, answered).permanent).toBe(false);
  });

  it('says what Resend said, in one bounded line', () => {
    const error = resendFailure({ statusCode: 422, name: 'validation_error', message: `bad\nfrom ${'x'.repeat(1_000)}` }, answered);
    expect(error.message).toMatch(/^Resend refused the e-mail \(422, validation_error\): bad from x+…$/);
    expect(error.message.length).toBeLessThanOrEqual(400);
  });

  it('leaves out the words of an answer from a private address', () => {
    const error = resendFailure(
      { statusCode: 401, name: 'invalid_api_key', message: 'internal secret' },
      { connected: true, showMessage: false },
    );
    expect(error.message).toBe('Resend refused the e-mail (401, invalid_api_key)');
  });

  it('tells a failed fetch, which the SDK reports without a status, as no answer', () => {
    const error = resendFailure(
      { statusCode: null, name: 'application_error', message: 'Unable to fetch data.' },
      { connected: false, showMessage: false },
    );
    expect(error).toMatchObject({ message: 'no answer from Resend', permanent: false });
  });

  it('treats an error that is not an object as a failure worth a retry', () => {
    expect(resendFailure(null, answered)).toMatchObject({
      message: 'Resend refused the e-mail (no status, unknown_error)',
      permanent: false,
    });
  });
});
