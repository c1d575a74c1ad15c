import { describe, expect, it } from 'vitest';
import {
  AddEventRequest,
  AddEventsRequest,
  CancelRequest,
  describeIssues,
  Heartbeat,
  ListEventsQuery,
  LogResponse,
  PulseRequest,
  Schedule,
  ServiceResponse,
} from './index.js';

function hint(result: { success: boolean; error?: Parameters<typeof describeIssues>[0] }): string {
  expect(result.success).toBe(false);
  return describeIssues(result.error!);
}

describe('PulseRequest', () => {
  const valid = { service: 'backup', alertType: 'pushover', alertTarget: 'u'.repeat(30), nextIn: 60 };

  it('takes numbers as numeric strings, fractions and exponents included', () => {
    for (const [input, seconds] of [
      ['90', 90],
      [' 2.5 ', 2.5],
      ['1e3', 1000],
      ['.5', 0.5],
    ] as const) {
      expect(PulseRequest.parse({ ...valid, nextIn: input }).nextIn).toBe(seconds);
    }
  });

  it('accepts a service of exactly 200 characters, counted as characters not bytes', () => {
    const name = '🚀'.repeat(200);
    expect(PulseRequest.parse({ ...valid, service: name }).service).toBe(name);
    expect(hint(PulseRequest.safeParse({ ...valid, service: `${name}x` }))).toMatch(/at most 200 characters; received 201/);
  });

  it('keeps a service name exactly as sent, spaces included', () => {
    expect(PulseRequest.parse({ ...valid, service: ' spaced ' }).service).toBe(' spaced ');
  });

  it('accepts mail as an alias channel name', () => {
    expect(PulseRequest.parse({ ...valid, alertType: 'mail' }).alertType).toBe('mail');
  });

  it('accepts exactly a year and refuses one second more', () => {
    expect(PulseRequest.parse({ ...valid, nextIn: 31_536_000 }).nextIn).toBe(31_536_000);
    expect(hint(PulseRequest.safeParse({ ...valid, nextIn: 31_536_000.5 }))).toMatch(/at most 31536000/);
  });

  it('drops fields it does not know, so newer clients work with it', () => {
    expect(PulseRequest.parse({ ...valid, colour: 'red' })).not.toHaveProperty('colour');
  });
});

describe('AddEventRequest', () => {
  it('defaults level to 0 and alert to false', () => {
    expect(AddEventRequest.parse({ service: 's', message: 'm' })).toEqual({ service: 's', message: 'm', level: 0, alert: false });
  });

  it('reads form-encoded alert flags', () => {
    expect(AddEventRequest.parse({ service: 's', message: 'm', alert: 'true' }).alert).toBe(true);
    expect(AddEventRequest.parse({ service: 's', message: 'm', alert: '0' }).alert).toBe(false);
  });

  it('counts the 10,000-character limit of a message in characters', () => {
    expect(AddEventRequest.safeParse({ service: 's', message: '東'.repeat(10_000) }).success).toBe(true);
    expect(AddEventRequest.safeParse({ service: 's', message: '東'.repeat(10_001) }).success).toBe(false);
  });
});

describe('AddEventsRequest', () => {
  it('reads each event as AddEventRequest does', () => {
    expect(AddEventsRequest.parse({ events: [{ service: 's', message: 'm', level: 'error' }] }).events).toEqual([
      { service: 's', message: 'm', level: 40, alert: false },
    ]);
  });

  it('counts a message of emoji in characters, as one event does', () => {
    expect(AddEventsRequest.safeParse({ events: [{ service: 's', message: '😀'.repeat(10_000) }] }).success).toBe(true);
    expect(AddEventsRequest.safeParse({ events: [{ service: 's', message: '😀'.repeat(10_001) }] }).success).toBe(false);
  });

  it('names a bad event by its index and field', () => {
    const events = [{ service: 's', message: 'm' }, { service: 's', message: 'm', level: 'loud' }, { service: 's' }];
    expect(hint(AddEventsRequest.safeParse({ events }))).toBe(
      'events[1].level: must be an integer from 0 to 2147483647 or one of debug, info, warning, error, critical; received the string "loud"; events[2].message is required',
    );
  });

  it('refuses a missing, empty or too long list', () => {
    expect(hint(AddEventsRequest.safeParse({}))).toMatch(/^events is required: a list of 1 to 1,000 events/);
    expect(hint(AddEventsRequest.safeParse({ events: 'x' }))).toBe('events must be a list of 1 to 1,000 events; received the string "x"');
    expect(hint(AddEventsRequest.safeParse({ events: [] }))).toBe('events is empty: send 1 to 1,000 events');
    const many = Array.from({ length: 1_001 }, () => ({ service: 's', message: 'm' }));
    expect(hint(AddEventsRequest.safeParse({ events: many }))).toBe('events must hold at most 1,000 events: split the batch');
  });
});

describe('CancelRequest', () => {
  it('needs only the service', () => {
    expect(CancelRequest.parse({ service: 'x' })).toEqual({ service: 'x' });
  });
});

describe('ListEventsQuery', () => {
  it('parses dates given as Unix seconds or ISO-8601 into Unix seconds', () => {
    const query = ListEventsQuery.parse({ from: '1767268800', to: '2026-01-01T13:00:00+01:00' });
    expect(query.from).toBe(1_767_268_800);
    expect(query.to).toBe(1_767_268_800);
  });

  it('takes a date without a time as midnight UTC', () => {
    expect(ListEventsQuery.parse({ from: '2026-01-01' }).from).toBe(1_767_225_600);
  });

  it('treats empty parameters as absent, as HTML forms send them', () => {
    expect(ListEventsQuery.parse({ service: '', level: '', message: '', limit: '' })).toEqual({ limit: 100 });
  });

  it('names every unknown parameter', () => {
    expect(hint(ListEventsQuery.safeParse({ sevrice: 'a', lvl: '3' }))).toBe('unknown fields sevrice, lvl');
  });
});

describe('Heartbeat', () => {
  const classic = {
    service: 'backup',
    alertType: 'log',
    alertTarget: 'ops',
    nextIn: 60,
    last: 1_767_225_600,
    expected: 1_767_225_660,
    alerted: false,
    cancelled: false,
    status: 'alive',
  };

  it('reads a classic HB, which has none of the newer fields', () => {
    expect(Heartbeat.parse(classic)).toEqual(classic);
  });

  it('reads an HB of a service configured on the server', () => {
    const configured = {
      ...classic,
      status: 'started',
      schedule: { kind: 'cron', cron: '0 3 * * *', tz: 'Europe/Paris' },
      grace: 300,
      maxRuntime: null,
      description: null,
      tags: ['prod'],
      channels: ['pager'],
      remindEvery: 3_600,
      warnBefore: null,
      dependsOn: ['db'],
      lastRun: { id: 1, rid: null, started: 1_767_225_600, ended: null, duration: null, outcome: 'running', exitCode: null, message: null },
      pingUrl: 'https://watchtower.example/ping/3q2-7w',
    };
    expect(Heartbeat.parse(configured)).toEqual(configured);
  });

  it.each(['alive', 'dead', 'cancelled', 'new', 'started', 'late', 'paused'])('takes the status %s', (status) => {
    expect(Heartbeat.parse({ ...classic, status }).status).toBe(status);
  });

  it('refuses a status it does not know and a schedule of an unknown kind', () => {
    expect(Heartbeat.safeParse({ ...classic, status: 'sleeping' }).success).toBe(false);
    expect(Heartbeat.safeParse({ ...classic, schedule: { kind: 'hourly' } }).success).toBe(false);
  });

  it('keeps each schedule value under the name of its kind', () => {
    expect(Schedule.parse({ kind: 'nextIn', nextIn: 60 })).toEqual({ kind: 'nextIn', nextIn: 60 });
    expect(Schedule.parse({ kind: 'period', period: 3_600 })).toEqual({ kind: 'period', period: 3_600 });
    expect(Schedule.safeParse({ kind: 'cron', cron: '0 3 * * *' }).success).toBe(false);
  });

  it('is the answer of the service routes, and an event the answer of log', () => {
    expect(ServiceResponse.parse({ result: 200, heartBeat: classic }).heartBeat).toEqual(classic);
    expect(ServiceResponse.safeParse({ result: 200, heartBeat: null }).success).toBe(false);
    const event = { id: 1, service: 'backup', level: 0, message: 'rotated', date: 1_767_225_600 };
    expect(LogResponse.parse({ result: 200, event })).toEqual({ result: 200, event });
  });
});
