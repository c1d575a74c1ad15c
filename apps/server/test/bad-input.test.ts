import { describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from './support/databases.js';
import { useTestApp } from './support/test-app.js';

const valid = { service: 'backup', alertType: 'log', alertTarget: 'ops', nextIn: 60 };
const event = { service: 'backup', level: 'error', message: 'disk full' };

interface Case {
  name: string;
  method: string;
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  status: number;
  code: string;
  hint: RegExp;
}

const cases: Case[] = [
  // pulse
  { name: 'a pulse without service', method: 'POST', path: '/heartbeat', body: { ...valid, service: undefined }, status: 400, code: 'VALIDATION_FAILED', hint: /service is required/ },
  { name: 'a pulse with an empty service', method: 'POST', path: '/heartbeat', body: { ...valid, service: '' }, status: 400, code: 'VALIDATION_FAILED', hint: /service must not be empty/ },
  { name: 'a pulse with a 201-character service', method: 'POST', path: '/heartbeat', body: { ...valid, service: 's'.repeat(201) }, status: 400, code: 'VALIDATION_FAILED', hint: /service must be at most 200 characters; received 201/ },
  { name: 'a pulse with a 10,000-character service', method: 'POST', path: '/', body: { ...valid, service: 's'.repeat(10_000) }, status: 400, code: 'VALIDATION_FAILED', hint: /service must be at most 200 characters/ },
  { name: 'a pulse whose service holds a newline', method: 'POST', path: '/heartbeat', body: { ...valid, service: 'a\nb' }, status: 400, code: 'VALIDATION_FAILED', hint: /service must not contain control characters/ },
  { name: 'a pulse whose service is a number', method: 'POST', path: '/heartbeat', body: { ...valid, service: 42 }, status: 400, code: 'VALIDATION_FAILED', hint: /service must be a string .*received 42/ },
  { name: 'a pulse without nextIn', method: 'POST', path: '/heartbeat', body: { ...valid, nextIn: undefined }, status: 400, code: 'VALIDATION_FAILED', hint: /nextIn is required/ },
  { name: 'a pulse with a negative nextIn', method: 'POST', path: '/heartbeat', body: { ...valid, nextIn: -5 }, status: 400, code: 'VALIDATION_FAILED', hint: /nextIn must be greater than 0/ },
  { name: 'a pulse with nextIn 0', method: 'POST', path: '/', body: { ...valid, nextIn: 0 }, status: 400, code: 'VALIDATION_FAILED', hint: /nextIn must be greater than 0/ },
  { name: 'a pulse with nextIn over a year', method: 'POST', path: '/heartbeat', body: { ...valid, nextIn: 31_536_001 }, status: 400, code: 'VALIDATION_FAILED', hint: /nextIn must be at most 31536000 seconds/ },
  { name: 'a pulse with a huge nextIn', method: 'POST', path: '/heartbeat', body: { ...valid, nextIn: 1e308 }, status: 400, code: 'VALIDATION_FAILED', hint: /nextIn must be at most/ },
  { name: 'a pulse with a non-numeric nextIn', method: 'POST', path: '/heartbeat', body: { ...valid, nextIn: 'soon' }, status: 400, code: 'VALIDATION_FAILED', hint: /nextIn must be a number of seconds.*received the string "soon"/ },
  { name: 'a pulse with nextIn "Infinity"', method: 'POST', path: '/heartbeat', body: { ...valid, nextIn: 'Infinity' }, status: 400, code: 'VALIDATION_FAILED', hint: /nextIn must be a number/ },
  { name: 'a pulse with nextIn null', method: 'POST', path: '/heartbeat', body: { ...valid, nextIn: null }, status: 400, code: 'VALIDATION_FAILED', hint: /nextIn must be a number.*received null/ },
  { name: 'a pulse with nextIn true', method: 'POST', path: '/heartbeat', body: { ...valid, nextIn: true }, status: 400, code: 'VALIDATION_FAILED', hint: /nextIn must be a number.*received a boolean/ },
  { name: 'a pulse with an unknown alertType', method: 'POST', path: '/heartbeat', body: { ...valid, alertType: 'sms' }, status: 400, code: 'VALIDATION_FAILED', hint: /alertType must be one of pushover, email, mail, webhook, slack, log; received the string "sms"/ },
  { name: 'a pulse without alertType', method: 'POST', path: '/heartbeat', body: { ...valid, alertType: undefined }, status: 400, code: 'VALIDATION_FAILED', hint: /alertType is required/ },
  { name: 'a pulse without alertTarget', method: 'POST', path: '/heartbeat', body: { ...valid, alertTarget: undefined }, status: 400, code: 'VALIDATION_FAILED', hint: /alertTarget is required/ },
  { name: 'a pulse whose alertTarget is a number', method: 'POST', path: '/heartbeat', body: { ...valid, alertTarget: 7 }, status: 400, code: 'VALIDATION_FAILED', hint: /alertTarget must be a string/ },
  { name: 'a pulse with a 3,000-character alertTarget', method: 'POST', path: '/heartbeat', body: { ...valid, alertTarget: 't'.repeat(3000) }, status: 400, code: 'VALIDATION_FAILED', hint: /alertTarget must be at most 2048 characters/ },
  { name: 'a pulse with every field wrong', method: 'POST', path: '/heartbeat', body: { service: '', alertType: 1, nextIn: 'x' }, status: 400, code: 'VALIDATION_FAILED', hint: /service must not be empty; alertType must be one of .*; alertTarget is required.*; nextIn must be a number/ },
  { name: 'a pulse that is malformed JSON', method: 'POST', path: '/heartbeat', body: '{"service": "backup",', headers: { 'content-type': 'application/json' }, status: 400, code: 'VALIDATION_FAILED', hint: /the body is not valid JSON/ },
  { name: 'a pulse that is a JSON array', method: 'POST', path: '/heartbeat', body: '[1,2]', headers: { 'content-type': 'application/json' }, status: 400, code: 'VALIDATION_FAILED', hint: /the body must be a JSON object/ },
  { name: 'a pulse that is JSON null', method: 'POST', path: '/', body: 'null', headers: { 'content-type': 'application/json' }, status: 400, code: 'VALIDATION_FAILED', hint: /the body must be a JSON object/ },
  { name: 'a pulse with an empty body', method: 'POST', path: '/heartbeat', body: '', headers: { 'content-type': 'application/json' }, status: 400, code: 'VALIDATION_FAILED', hint: /service is required/ },
  { name: 'a pulse sent as XML', method: 'POST', path: '/heartbeat', body: '<pulse/>', headers: { 'content-type': 'application/xml' }, status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', hint: /application\/json or application\/x-www-form-urlencoded/ },
  { name: 'a pulse larger than 64 KiB', method: 'POST', path: '/heartbeat', body: { ...valid, padding: 'p'.repeat(70_000) }, status: 413, code: 'PAYLOAD_TOO_LARGE', hint: /larger than 64 KiB/ },
  { name: 'a form pulse with a non-numeric nextIn', method: 'POST', path: '/', body: 'service=a&alertType=log&alertTarget=x&nextIn=1h', headers: { 'content-type': 'application/x-www-form-urlencoded' }, status: 400, code: 'VALIDATION_FAILED', hint: /nextIn must be a number of seconds.*"1h"/ },
  { name: 'a pulse whose service holds a lone UTF-16 half', method: 'POST', path: '/heartbeat', body: `{"service":"a\\ud800b","alertType":"log","alertTarget":"x","nextIn":5}`, headers: { 'content-type': 'application/json' }, status: 400, code: 'VALIDATION_FAILED', hint: /service must not contain control characters or broken UTF-16/ },
  { name: 'a pulse whose alertTarget holds NUL', method: 'POST', path: '/heartbeat', body: { ...valid, alertTarget: 'a\u0000b' }, status: 400, code: 'VALIDATION_FAILED', hint: /alertTarget must not contain NUL characters/ },
  // cancel and get
  { name: 'a cancel without service', method: 'DELETE', path: '/heartbeat', body: {}, status: 400, code: 'VALIDATION_FAILED', hint: /service is required/ },
  { name: 'a cancel with a 201-character service', method: 'DELETE', path: '/', body: { service: 'c'.repeat(201) }, status: 400, code: 'VALIDATION_FAILED', hint: /at most 200 characters/ },
  { name: 'a get with a 201-character service', method: 'GET', path: `/heartbeat/${'g'.repeat(201)}`, status: 400, code: 'VALIDATION_FAILED', hint: /service must be at most 200 characters/ },
  { name: 'a get whose service holds a control character', method: 'GET', path: '/get/a%07b', status: 400, code: 'VALIDATION_FAILED', hint: /control characters/ },
  // add event
  { name: 'an event without message', method: 'POST', path: '/event', body: { ...event, message: undefined }, status: 400, code: 'VALIDATION_FAILED', hint: /message is required/ },
  { name: 'an event whose message is an object', method: 'POST', path: '/event', body: { ...event, message: { text: 'x' } }, status: 400, code: 'VALIDATION_FAILED', hint: /message must be a string; received an object/ },
  { name: 'an event with a 10,001-character message', method: 'POST', path: '/add-event', body: { ...event, message: 'm'.repeat(10_001) }, status: 400, code: 'VALIDATION_FAILED', hint: /message must be at most 10000 characters/ },
  { name: 'an event whose message holds NUL', method: 'POST', path: '/event', body: { ...event, message: 'before\u0000after' }, status: 400, code: 'VALIDATION_FAILED', hint: /message must not contain NUL characters/ },
  { name: 'an event whose message holds a lone UTF-16 half', method: 'POST', path: '/event', body: '{"service":"a","message":"x\\udc00"}', headers: { 'content-type': 'application/json' }, status: 400, code: 'VALIDATION_FAILED', hint: /message must not contain NUL characters or broken UTF-16/ },
  { name: 'an event without service', method: 'POST', path: '/event', body: { ...event, service: undefined }, status: 400, code: 'VALIDATION_FAILED', hint: /service is required/ },
  { name: 'an event with an empty service', method: 'POST', path: '/add-event', body: { ...event, service: '' }, status: 400, code: 'VALIDATION_FAILED', hint: /service must not be empty/ },
  { name: 'an event with a negative level', method: 'POST', path: '/event', body: { ...event, level: -1 }, status: 400, code: 'VALIDATION_FAILED', hint: /level must be an integer from 0 to 2147483647 or one of debug, info, warning, error, critical; received -1/ },
  { name: 'an event with a fractional level', method: 'POST', path: '/event', body: { ...event, level: 1.5 }, status: 400, code: 'VALIDATION_FAILED', hint: /level must be an integer/ },
  { name: 'an event with an unknown level name', method: 'POST', path: '/event', body: { ...event, level: 'loud' }, status: 400, code: 'VALIDATION_FAILED', hint: /level must be .*received the string "loud"/ },
  { name: 'an event with a level beyond 32 bits', method: 'POST', path: '/event', body: { ...event, level: 2 ** 31 }, status: 400, code: 'VALIDATION_FAILED', hint: /level must be an integer from 0 to 2147483647/ },
  { name: 'an event with a non-boolean alert', method: 'POST', path: '/event', body: { ...event, alert: 'maybe' }, status: 400, code: 'VALIDATION_FAILED', hint: /alert must be true or false/ },
  { name: 'an event that is malformed JSON', method: 'POST', path: '/event', body: '{"service":"a",,}', headers: { 'content-type': 'application/json' }, status: 400, code: 'VALIDATION_FAILED', hint: /not valid JSON/ },
  { name: 'an event larger than 64 KiB', method: 'POST', path: '/add-event', body: 'x'.repeat(65 * 1024 + 1), headers: { 'content-type': 'application/json' }, status: 413, code: 'PAYLOAD_TOO_LARGE', hint: /64 KiB/ },
  // list events
  { name: 'a list with limit 0', method: 'GET', path: '/events?limit=0', status: 400, code: 'VALIDATION_FAILED', hint: /limit must be at least 1/ },
  { name: 'a list with limit 1001', method: 'GET', path: '/events?limit=1001', status: 400, code: 'VALIDATION_FAILED', hint: /limit must be at most 1000/ },
  { name: 'a list with a fractional limit', method: 'GET', path: '/events?limit=2.5', status: 400, code: 'VALIDATION_FAILED', hint: /limit must be a whole number/ },
  { name: 'a list with a word for limit', method: 'GET', path: '/list-events?limit=ten', status: 400, code: 'VALIDATION_FAILED', hint: /limit must be a whole number from 1 to 1000; received the string "ten"/ },
  { name: 'a list with an unreadable from', method: 'GET', path: '/events?from=yesterday', status: 400, code: 'VALIDATION_FAILED', hint: /from must be Unix seconds or an ISO-8601 date/ },
  { name: 'a list with an impossible ISO date', method: 'GET', path: '/events?to=2026-13-45', status: 400, code: 'VALIDATION_FAILED', hint: /to must be Unix seconds or an ISO-8601 date/ },
  { name: 'a list with a date beyond the year 9999', method: 'GET', path: '/events?to=1e20', status: 400, code: 'VALIDATION_FAILED', hint: /to must be a date between the years 1 and 9999/ },
  { name: 'a list with an unknown level', method: 'GET', path: '/events?level=loud', status: 400, code: 'VALIDATION_FAILED', hint: /level must be/ },
  { name: 'a list with a forged cursor', method: 'GET', path: '/events?before=not-a-cursor', status: 400, code: 'VALIDATION_FAILED', hint: /before must be the cursor returned as next/ },
  { name: 'a list with a cursor beyond any date', method: 'GET', path: `/events?before=${Buffer.from('9999999999999999:1').toString('base64url')}`, status: 400, code: 'VALIDATION_FAILED', hint: /before must be the cursor/ },
  { name: 'a list whose message filter holds NUL', method: 'GET', path: '/events?message=a%00b', status: 400, code: 'VALIDATION_FAILED', hint: /message filter must not contain NUL/ },
  { name: 'a list with a misspelt filter', method: 'GET', path: '/events?servce=backup', status: 400, code: 'VALIDATION_FAILED', hint: /unknown field servce/ },
  { name: 'a list with a 201-character service filter', method: 'GET', path: `/events?service=${'s'.repeat(201)}`, status: 400, code: 'VALIDATION_FAILED', hint: /service must be at most 200 characters/ },
];

describe.each(DATABASE_KINDS)('bad input on %s', (kind) => {
  const t = useTestApp(kind);

  it.each(cases.map((c) => [c.name, c] as const))('rejects %s, storing nothing', async (_name, c) => {
    const response = await t.call(c.method, c.path, c.body, c.headers);
    const body = await response.json();
    expect(response.status).toBe(c.status);
    expect(body).toEqual({ result: c.status, code: c.code, hint: expect.stringMatching(c.hint), requestId: expect.any(String) });
    expect(body.requestId).toBe(response.headers.get('x-request-id'));
    expect(await t.count('heartbeats')).toBe(0);
    expect(await t.count('events')).toBe(0);
  });
});
