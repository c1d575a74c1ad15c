import type { Heartbeat, Run } from '@watchtower/protocol';
import { describe, expect, it } from 'vitest';
import {
  appendRuns,
  crontabLine,
  curlCommand,
  mergeNewestRuns,
  pingUrls,
  runDurationWords,
  scheduleWords,
  shortMessage,
  stateWords,
} from './service-details.js';

const NOW = 1_800_000_000;

const hb = (fields: Partial<Heartbeat>): Heartbeat => ({
  service: 'backup',
  alertType: 'log',
  alertTarget: 'ops',
  nextIn: 3_600,
  last: NOW - 60,
  expected: NOW + 3_540,
  alerted: false,
  cancelled: false,
  status: 'alive',
  ...fields,
});

const run = (id: number, fields: Partial<Run> = {}): Run => ({
  id,
  rid: null,
  started: NOW - 100,
  ended: NOW - 5,
  duration: 95,
  outcome: 'success',
  exitCode: null,
  message: null,
  ...fields,
});

describe('scheduleWords', () => {
  it('says each kind of schedule in words, with a cron expression and its zone', () => {
    expect(scheduleWords(hb({ schedule: { kind: 'period', period: 5_400 } }))).toBe('every 1 h 30 min');
    expect(scheduleWords(hb({ schedule: { kind: 'cron', cron: '15 3 * * 1-5', tz: 'Europe/Paris' } }))).toBe(
      'cron 15 3 * * 1-5 in Europe/Paris',
    );
    expect(scheduleWords(hb({ schedule: { kind: 'nextIn', nextIn: 600 } }))).toMatch(/the latest said within 10 min$/);
    expect(scheduleWords(hb({ nextIn: 90 }))).toMatch(/within 1 min 30 s$/);
  });
});

describe('stateWords', () => {
  it('says what each status means for the service now', () => {
    expect(stateWords(hb({ status: 'new' }), NOW)).toMatch(/^Waiting for its first signal/);
    expect(stateWords(hb({ status: 'paused' }), NOW)).toMatch(/^Paused/);
    expect(stateWords(hb({ status: 'cancelled', cancelled: true }), NOW)).toMatch(/^Cancelled/);
    expect(stateWords(hb({}), NOW)).toMatch(/^Expected in 59 min/);
    expect(stateWords(hb({ status: 'dead', alerted: true, expected: NOW - 10 }), NOW)).toMatch(/^Dead: .*; its owner was alerted\.$/);
  });

  it('says since when a run is under way', () => {
    const started = hb({ status: 'started', lastRun: run(1, { outcome: 'running', started: NOW - 125, ended: null, duration: null }) });
    expect(stateWords(started, NOW)).toMatch(/^A run is under way since .* \(2 min 5 s ago\); it must end in 59 min/);
  });
});

describe('ping URLs and the crontab example', () => {
  it('lists the success, start, failure and log URLs of a service', () => {
    expect(pingUrls('http://h/ping/abc').map((ping) => [ping.label, ping.url])).toEqual([
      ['Success', 'http://h/ping/abc'],
      ['Start', 'http://h/ping/abc/start'],
      ['Failure', 'http://h/ping/abc/fail'],
      ['Log', 'http://h/ping/abc/log'],
    ]);
  });

  it('pings with a bounded, retried, quiet curl, on the service own cron schedule when it has one', () => {
    expect(curlCommand('http://h/ping/abc')).toBe('curl -fsS -m 10 --retry 5 -o /dev/null http://h/ping/abc');
    expect(crontabLine(hb({ schedule: { kind: 'cron', cron: '15 3 * * 1-5', tz: 'UTC' } }), 'http://h/ping/abc')).toBe(
      '15 3 * * 1-5 /usr/local/bin/job.sh && curl -fsS -m 10 --retry 5 -o /dev/null http://h/ping/abc',
    );
    expect(crontabLine(hb({ schedule: { kind: 'period', period: 86_400 } }), 'u')).toMatch(/^0 3 \* \* \* /);
  });
});

describe('runs', () => {
  it('says how long a run took, or has run so far', () => {
    expect(runDurationWords(run(1), NOW)).toBe('1 min 35 s');
    expect(runDurationWords(run(1, { outcome: 'running', ended: null, duration: null, started: NOW - 42.5 }), NOW)).toBe('42 s so far');
    expect(runDurationWords(run(1, { started: null, duration: null }), NOW)).toBe('—');
  });

  it('puts the newest page asked again first, replacing the runs it holds, and keeps older pages', () => {
    const listing = { runs: [run(5, { outcome: 'running' }), run(4), run(3)], next: 'older' };
    const merged = mergeNewestRuns(listing, { runs: [run(6), run(5, { outcome: 'fail', exitCode: 2 })], next: 'cursor-5' });
    expect(merged.runs.map((r) => [r.id, r.outcome])).toEqual([
      [6, 'success'],
      [5, 'fail'],
      [4, 'success'],
      [3, 'success'],
    ]);
    expect(merged.next).toBe('older');
    expect(mergeNewestRuns({ runs: [run(1)], next: null }, { runs: [run(2), run(1)], next: 'cursor-1' }).next).toBe('cursor-1');
  });

  it('appends a next page without repeating a run already listed', () => {
    const next = appendRuns({ runs: [run(6), run(5)], next: 'c' }, { runs: [run(5), run(4)], next: null });
    expect(next).toEqual({ runs: [run(6), run(5), run(4)], next: null });
  });
});

describe('late and message words', () => {
  it('says a service is late soon with its warnBefore', () => {
    expect(stateWords(hb({ expected: NOW + 120, warnBefore: 300 }), NOW)).toMatch(
      /^Late soon: its deadline is in 2 min \(.*\), closer than its warnBefore of 5 min\.$/,
    );
    expect(stateWords(hb({ status: 'late', expected: NOW + 120 }), NOW)).toMatch(/^Late soon: its deadline is in 2 min \(.*\)\.$/);
  });

  it('puts a pulse message on one line and cuts a long one with an ellipsis', () => {
    expect(shortMessage('  dumped\n 3 GB\tin 2 min ')).toBe('dumped 3 GB in 2 min');
    expect(shortMessage('x'.repeat(80))).toBe('x'.repeat(80));
    expect(shortMessage(`${'x'.repeat(78)} yz`)).toBe(`${'x'.repeat(78)}…`);
    expect(shortMessage('é'.repeat(5), 4)).toBe('ééé…');
  });
});
