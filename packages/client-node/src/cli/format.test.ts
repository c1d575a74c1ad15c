import { describe, expect, it } from 'vitest';
import {
  escapeControls,
  formatEvents,
  formatHeartbeats,
  formatLifecycle,
  formatRelative,
  formatRuns,
  formatSchedule,
  formatTable,
} from './format.js';

describe('formatRelative', () => {
  it('says "in" for the future and "ago" for the past', () => {
    expect([formatRelative(1_060, 1_000), formatRelative(940, 1_000)]).toEqual(['in 1 min', '1 min ago']);
  });
});

describe('formatTable', () => {
  it('pads each column to its widest cell', () => {
    expect(
      formatTable([
        ['A', 'BB'],
        ['ccc', 'd'],
      ]),
    ).toBe('A    BB\nccc  d');
  });
});

describe('formatEvents', () => {
  it('names the level and indents the further lines of a message', () => {
    const text = formatEvents([{ id: 1, service: 'job', level: 40, message: 'failed\nlast line', date: 0 }]);
    const [first, second] = text.split('\n');
    expect(first).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} {2}error {2}job {2}failed$/);
    expect(second).toBe(`${' '.repeat((first ?? '').indexOf('failed'))}last line`);
  });
});

describe('escapeControls', () => {
  it('writes escape sequences, C1 controls, DEL and bidi overrides as visible escapes, and keeps newlines, tabs and other text', () => {
    expect(escapeControls('a\x1b[2J\x1b]0;title\x07\x9b1m\x7f\r\u202egnp.exe\n\tdone é 😀')).toBe(
      'a\\x1b[2J\\x1b]0;title\\x07\\x9b1m\\x7f\\x0d\\u202egnp.exe\n\tdone é 😀',
    );
  });
});

describe('formatTable with control characters', () => {
  it('escapes them and pads by what is shown', () => {
    expect(
      formatTable([
        ['\x1b[2J', 'x'],
        ['abcdefg', 'y'],
      ]),
    ).toBe('\\x1b[2J  x\nabcdefg  y');
  });
});

describe('formatRuns', () => {
  const run = { id: 1, rid: null, started: 1_000, ended: null, duration: null, outcome: 'running', exitCode: null, message: null } as const;

  it('shows a run under way with how long it has run so far', () => {
    expect(formatRuns([run], 1_090).split('\n')[1]).toMatch(/^\S+ \S+ {2}1 min 30 s so far {2}running {2}-$/);
  });

  it('shows an end without a start at its end, with no duration, and the last line of its message', () => {
    const ended = { ...run, started: null, ended: 2_000, outcome: 'fail', exitCode: 2, message: 'copying\nno space left\n\n' } as const;
    expect(formatRuns([ended], 2_000).split('\n')[1]).toMatch(/^\S+ \S+ {2}- {9}fail {5}2 {5}no space left$/);
  });

  it('cuts a long last line to 80 characters', () => {
    const long = { ...run, duration: 1, outcome: 'success', message: 'x'.repeat(200) } as const;
    expect(formatRuns([long], 2_000)).toMatch(/ x{79}…$/);
  });
});

describe('formatSchedule', () => {
  const beat = { service: 's', alertType: 'log', alertTarget: 'ops', nextIn: 60, last: 0, expected: 0, alerted: false, cancelled: false };

  it('names a cron schedule with its zone, the grace and the max runtime', () => {
    const cron = {
      ...beat,
      status: 'new',
      schedule: { kind: 'cron', cron: '0 3 * * *', tz: 'UTC' },
      grace: 1_800,
      maxRuntime: 7_200,
    } as const;
    expect(formatSchedule(cron)).toBe('cron "0 3 * * *" in UTC, grace 30 min, max runtime 2 h');
  });

  it('names the nextIn of a classic heartbeat', () => {
    expect(formatSchedule({ ...beat, status: 'alive' })).toBe('within 1 min of each pulse');
  });
});

describe('formatHeartbeats', () => {
  const beat = {
    alertType: 'log',
    alertTarget: 'ops',
    nextIn: 60,
    last: 1_000,
    expected: 1_060,
    alerted: false,
    cancelled: false,
  } as const;
  const web = { ...beat, service: 'web', status: 'alive', snoozedUntil: null } as const;

  it('has no snooze column while no service is snoozed, an ended snooze included', () => {
    expect(formatHeartbeats([web, { ...web, service: 'db', snoozedUntil: 900 }], 1_000).split('\n')[0]).toBe(
      'SERVICE  STATUS  LAST PULSE  DEADLINE  ALERT',
    );
  });

  it('shows when the snooze of a snoozed service ends, and - for the others', () => {
    const lines = formatHeartbeats([web, { ...web, service: 'db', status: 'dead', snoozedUntil: 8_200 }], 1_000).split('\n');
    expect(lines).toEqual([
      'SERVICE  STATUS  LAST PULSE  DEADLINE  SNOOZE ENDS  ALERT',
      'web      alive   in 0 s      in 1 min  -            log:ops',
      'db       dead    in 0 s      in 1 min  in 2 h       log:ops',
    ]);
  });
});

describe('formatLifecycle', () => {
  const beat = {
    service: 's',
    alertType: 'log',
    alertTarget: 'ops',
    nextIn: 60,
    last: 0,
    expected: 0,
    alerted: false,
    cancelled: false,
    status: 'new',
  } as const;

  it('names the late notice, the reminders and the services depended on', () => {
    expect(formatLifecycle({ ...beat, warnBefore: 600, remindEvery: 3_600, dependsOn: ['db', 'network'] })).toBe(
      'late notice 10 min before each deadline; reminders every 1 h while dead; depends on db, network',
    );
  });

  it('says nothing for a service without them', () => {
    expect(formatLifecycle({ ...beat, warnBefore: null, remindEvery: null, dependsOn: [] })).toBeUndefined();
  });
});
