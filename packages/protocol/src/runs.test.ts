import { describe, expect, it } from 'vitest';
import {
  describeIssues,
  ExitCode,
  FailRequest,
  ListRunsResponse,
  LogRequest,
  PingQuery,
  PushQuery,
  PushResponse,
  Run,
  RunsQuery,
  StartRequest,
} from './index.js';

function hint(result: { success: boolean; error?: Parameters<typeof describeIssues>[0] }): string {
  expect(result.success).toBe(false);
  return describeIssues(result.error!);
}

const uuid = '5b2a1c7e-8f0d-4e3b-9a6c-1d2e3f4a5b6c';

describe('StartRequest', () => {
  it('takes an empty body', () => {
    expect(StartRequest.parse({})).toEqual({});
  });

  it('takes a run id and a message', () => {
    expect(StartRequest.parse({ rid: uuid, message: 'nightly run\nstep 1' })).toEqual({ rid: uuid, message: 'nightly run\nstep 1' });
  });

  it('treats empty form fields as absent', () => {
    expect(StartRequest.parse({ rid: '', message: '' })).toEqual({});
  });

  it('takes any printable run id of up to 100 characters', () => {
    expect(StartRequest.parse({ rid: 'job #42 (retry) ✓' }).rid).toBe('job #42 (retry) ✓');
    expect(StartRequest.parse({ rid: 'r'.repeat(100) }).rid).toHaveLength(100);
  });

  it.each([
    ['r'.repeat(101), 'rid must be at most 100 characters; received 101'],
    ['a\nb', 'rid must not contain control characters'],
    [42, 'rid must be a string of 1 to 100 characters; received 42'],
    [null, 'rid must be a string of 1 to 100 characters; received null'],
  ])('refuses the run id %j', (rid, message) => {
    expect(hint(StartRequest.safeParse({ rid }))).toBe(message);
  });

  it('takes a message of 10,000 characters, counted as characters, and refuses 10,001', () => {
    expect(StartRequest.parse({ message: '東'.repeat(10_000) }).message).toHaveLength(10_000);
    expect(hint(StartRequest.safeParse({ message: 'x'.repeat(10_001) }))).toBe('message must be at most 10000 characters; received 10001');
  });

  it('refuses a message PostgreSQL cannot store', () => {
    expect(hint(StartRequest.safeParse({ message: 'a\u0000b' }))).toBe('message must not contain NUL characters or broken UTF-16');
    expect(hint(StartRequest.safeParse({ message: '\uD800' }))).toBe('message must not contain NUL characters or broken UTF-16');
  });

  it('drops fields it does not know, as the pulse does', () => {
    expect(StartRequest.parse({ rid: 'a', colour: 'red' })).toEqual({ rid: 'a' });
  });
});

describe('FailRequest', () => {
  it('takes an exit code as a number or a numeric string, as a form sends it', () => {
    expect(FailRequest.parse({ exitCode: 3 })).toEqual({ exitCode: 3 });
    expect(FailRequest.parse({ exitCode: ' 255 ', rid: uuid, message: 'disk full' })).toEqual({
      exitCode: 255,
      rid: uuid,
      message: 'disk full',
    });
    expect(FailRequest.parse({ exitCode: '0' }).exitCode).toBe(0);
  });

  it.each([
    [256, 'exitCode must be a whole number from 0 to 255; received 256'],
    [-1, 'exitCode must be a whole number from 0 to 255; received -1'],
    ['1.5', 'exitCode must be a whole number from 0 to 255; received the string "1.5"'],
    ['one', 'exitCode must be a whole number from 0 to 255; received the string "one"'],
    [true, 'exitCode must be a whole number from 0 to 255; received a boolean'],
  ])('refuses the exit code %j', (exitCode, message) => {
    expect(hint(FailRequest.safeParse({ exitCode }))).toBe(message);
  });

  it('reports a wrong run id and a wrong exit code together', () => {
    expect(hint(FailRequest.safeParse({ rid: 'a\tb', exitCode: 300 }))).toBe(
      'rid must not contain control characters; exitCode must be a whole number from 0 to 255; received 300',
    );
  });
});

describe('ExitCode', () => {
  it('reads an exit code from a ping path segment', () => {
    expect([ExitCode.parse('0'), ExitCode.parse('1'), ExitCode.parse('255')]).toEqual([0, 1, 255]);
    expect(ExitCode.safeParse('start').success).toBe(false);
  });
});

describe('LogRequest', () => {
  it('needs a message, which may be empty', () => {
    expect(LogRequest.parse({ message: 'rotated 3 files' })).toEqual({ message: 'rotated 3 files' });
    expect(LogRequest.parse({ message: '' })).toEqual({ message: '' });
    expect(hint(LogRequest.safeParse({}))).toBe('message is required: a string of at most 10000 characters');
    expect(hint(LogRequest.safeParse({ message: 5 }))).toBe('message must be a string of at most 10000 characters; received 5');
  });
});

describe('RunsQuery', () => {
  it('pages 50 runs unless told, up to 1,000, with limits as query strings', () => {
    expect(RunsQuery.parse({})).toEqual({ limit: 50 });
    expect(RunsQuery.parse({ limit: '1000', before: 'abc' })).toEqual({ limit: 1_000, before: 'abc' });
    expect(RunsQuery.parse({ limit: '', before: '' })).toEqual({ limit: 50 });
  });

  it.each([
    ['1001', 'limit must be at most 1000'],
    ['0', 'limit must be at least 1'],
    ['2.5', 'limit must be a whole number'],
    ['many', 'limit must be a whole number from 1 to 1000; received the string "many"'],
  ])('refuses the limit %j', (limit, message) => {
    expect(hint(RunsQuery.safeParse({ limit }))).toBe(message);
  });

  it('refuses a cursor that was never a next, and unknown parameters', () => {
    expect(hint(RunsQuery.safeParse({ before: 'x'.repeat(201) }))).toBe('before must be a cursor returned as next');
    expect(hint(RunsQuery.safeParse({ limt: '5' }))).toBe('unknown field limt');
  });
});

describe('Run', () => {
  const running = {
    id: 7,
    rid: uuid,
    started: 1_767_225_600,
    ended: null,
    duration: null,
    outcome: 'running',
    exitCode: null,
    message: null,
  };

  it('reads a running run and a finished one', () => {
    expect(Run.parse(running)).toEqual(running);
    const finished = { ...running, ended: 1_767_225_660.5, duration: 60.5, outcome: 'fail', exitCode: 2, message: 'disk full' };
    expect(Run.parse(finished)).toEqual(finished);
  });

  it('reads a run whose end came without a start', () => {
    expect(Run.parse({ ...running, rid: null, started: null, ended: 1_767_225_600, outcome: 'success', exitCode: 0 }).started).toBeNull();
  });

  it('refuses an outcome outside running, success, fail and timeout', () => {
    expect(Run.safeParse({ ...running, outcome: 'ok' }).success).toBe(false);
    for (const outcome of ['running', 'success', 'fail', 'timeout']) expect(Run.safeParse({ ...running, outcome }).success).toBe(true);
  });

  it('is listed with the cursor of the next page', () => {
    expect(ListRunsResponse.parse({ result: 200, runs: [running], next: null }).runs).toHaveLength(1);
  });
});

describe('PingQuery', () => {
  it('reads rid and the create flag as a query string carries them', () => {
    expect(PingQuery.parse({})).toEqual({ create: false });
    expect(PingQuery.parse({ rid: uuid, create: '1' })).toEqual({ rid: uuid, create: true });
    expect(PingQuery.parse({ create: 'false' }).create).toBe(false);
  });

  it('ignores parameters it does not know, as Healthchecks does', () => {
    expect(PingQuery.parse({ nocache: '123' })).toEqual({ create: false });
  });

  it('refuses a create flag that is neither true nor false', () => {
    expect(hint(PingQuery.safeParse({ create: 'yes' }))).toBe('create must be true or false; received the string "yes"');
  });
});

describe('PushQuery', () => {
  it('is up unless told, as Uptime Kuma is', () => {
    expect(PushQuery.parse({})).toEqual({ status: 'up' });
    expect(PushQuery.parse({ status: 'down', msg: 'timeout', ping: '12.5' })).toEqual({ status: 'down', msg: 'timeout', ping: 12.5 });
  });

  it.each([
    [{ status: 'sideways' }, 'status must be up or down; received the string "sideways"'],
    [{ ping: 'fast' }, 'ping must be a response time in milliseconds; received the string "fast"'],
    [{ ping: '-1' }, 'ping must be at least 0'],
  ])('refuses %j', (query, message) => {
    expect(hint(PushQuery.safeParse(query))).toBe(message);
  });

  it('answers ok', () => {
    expect(PushResponse.parse({ ok: true })).toEqual({ ok: true });
    expect(PushResponse.safeParse({ ok: false }).success).toBe(false);
  });
});
