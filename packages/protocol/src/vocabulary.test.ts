import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ALERT_KINDS,
  ALERT_TYPES,
  coversScope,
  findLevelName,
  formatDuration,
  formatIsoTime,
  LEVEL_NAMES,
  LEVELS,
  levelName,
  MAX_LEVEL,
  parseDuration,
  HEARTBEAT_STATUSES,
  KEY_SCOPES,
  parseLevel,
  readDurationText,
  RUN_OUTCOMES,
  SCHEDULE_KINDS,
} from './vocabulary.js';

describe('levels', () => {
  it('are named in increasing severity', () => {
    expect(LEVEL_NAMES).toEqual(['debug', 'info', 'warning', 'error', 'critical']);
    expect(LEVEL_NAMES.map((name) => LEVELS[name])).toEqual([10, 20, 30, 40, 50]);
  });

  it('name a known number and show another as a number', () => {
    expect([levelName(40), levelName(35), levelName(0)]).toEqual(['error', '35', '0']);
    expect([findLevelName(50), findLevelName(51)]).toEqual(['critical', undefined]);
  });

  it('parse names in any case and whole numbers from 0 to the maximum', () => {
    expect([parseLevel(' Error '), parseLevel('7'), parseLevel('+7'), parseLevel(35), parseLevel(MAX_LEVEL)]).toEqual([
      40,
      7,
      7,
      35,
      MAX_LEVEL,
    ]);
  });

  it.each(['', 'loud', '-1', '1.5', '0x10', 'constructor', 'toString', -1, 2.5, MAX_LEVEL + 1, Number.NaN, null, undefined, true])(
    'refuse %j',
    (value) => {
      expect(parseLevel(value)).toBeUndefined();
    },
  );
});

describe('alert channels', () => {
  it('include mail as an alias of email', () => {
    expect(ALERT_TYPES).toEqual(['pushover', 'email', 'mail', 'webhook', 'slack', 'log']);
  });
});

describe('statuses, outcomes and schedules', () => {
  it('name the classic statuses first, then those of configured services', () => {
    expect(HEARTBEAT_STATUSES).toEqual(['alive', 'dead', 'cancelled', 'new', 'started', 'late', 'paused']);
    expect(RUN_OUTCOMES).toEqual(['running', 'success', 'fail', 'timeout']);
    expect(SCHEDULE_KINDS).toEqual(['nextIn', 'period', 'cron']);
    expect(ALERT_KINDS).toContain('failed');
  });
});

describe('key scopes', () => {
  it('are pulse, read and admin', () => {
    expect(KEY_SCOPES).toEqual(['pulse', 'read', 'admin']);
  });

  it.each([
    ['admin', 'admin', true],
    ['admin', 'read', true],
    ['admin', 'pulse', true],
    ['read', 'read', true],
    ['read', 'pulse', false],
    ['read', 'admin', false],
    ['pulse', 'pulse', true],
    ['pulse', 'read', false],
    ['pulse', 'admin', false],
  ] as const)('a %s key covers %s: %s', (held, needed, covers) => {
    expect(coversScope(held, needed)).toBe(covers);
  });
});

describe('readDurationText', () => {
  it('reads what parseDuration reads, zero included', () => {
    expect([readDurationText(' 90 '), readDurationText('1h30m'), readDurationText('0'), readDurationText('0s')]).toEqual([90, 5_400, 0, 0]);
  });

  it.each(['', 'soon', '-5', '30m1h', '1e3'])('answers undefined for %j', (text) => {
    expect(readDurationText(text)).toBeUndefined();
  });
});

describe('parseDuration', () => {
  it.each([
    ['90', 90],
    ['90s', 90],
    ['15m', 900],
    ['1h', 3_600],
    ['1d', 86_400],
    ['1w', 604_800],
    ['1.5h', 5_400],
    ['.5m', 30],
    ['1h30m', 5_400],
    ['1d12h', 129_600],
    ['1w2d3h4m5s', 788_645],
    ['1h 30m', 5_400],
    ['90 s', 90],
    ['2 min', 120],
    [' 2H ', 7_200],
    ['1H30M', 5_400],
    ['1.1h', 3_960],
    [42, 42],
    [0.5, 0.5],
  ])('reads %j as %d seconds', (input, seconds) => {
    expect(parseDuration(input)).toBe(seconds);
  });

  it.each([
    '',
    ' ',
    '0',
    '0s',
    '0h0m',
    '-5',
    '-1h',
    '1y',
    '90ms',
    'h',
    'm30',
    '1h30',
    '1h,30m',
    '1.h',
    'soon',
    '1e3',
    'Infinity',
    '1 hour',
  ])('rejects %j, naming the field and showing examples', (input) => {
    expect(() => parseDuration(input, 'nextIn')).toThrow(
      `nextIn must be a positive number of seconds or a duration such as 90, 90s, 15m, 1h30m, 1.5h, 1d or 1w; received ${JSON.stringify(input)}`,
    );
  });

  it.each(['30m1h', '1h1h', '5m3min'])('rejects %j, saying that units go from the largest down, each once', (input) => {
    expect(() => parseDuration(input)).toThrow(/received ".*" \(units go from the largest to the smallest, each once\)$/);
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('rejects the number %d with a RangeError', (input) => {
    expect(() => parseDuration(input)).toThrow(RangeError);
  });

  it('names the value "duration" when no field is given', () => {
    expect(() => parseDuration('soon')).toThrow(/^duration must be/);
  });
});

describe('formatDuration', () => {
  it.each([
    [42, '42 s'],
    [45, '45 s'],
    [60, '1 min'],
    [90, '1 min 30 s'],
    [120, '2 min'],
    [125, '2 min 5 s'],
    [3_599, '59 min 59 s'],
    [3_600, '1 h'],
    [7_500, '2 h 5 min'],
    [90_061, '1 d 1 h'],
    [97_200, '1 d 3 h'],
    [604_800, '7 d'],
    [31_536_000, '365 d'],
  ])('says %d seconds as %j', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  it('shows two units at most, and drops the second when it is zero rather than skipping to a smaller one', () => {
    expect(formatDuration(3_605)).toBe('1 h');
    expect(formatDuration(3_665)).toBe('1 h 1 min');
    expect(formatDuration(86_460)).toBe('1 d');
  });

  it('rounds to whole seconds from 10 s, and cuts the smaller unit rather than rounding it', () => {
    expect(formatDuration(59.4)).toBe('59 s');
    expect(formatDuration(59.6)).toBe('1 min');
    expect(formatDuration(130.2 - 5.2)).toBe('2 min 5 s');
    expect(formatDuration(7_199)).toBe('1 h 59 min');
  });

  it('keeps a tenth under 10 s and a hundredth under 1 s', () => {
    expect(formatDuration(2.345)).toBe('2.3 s');
    expect(formatDuration(3)).toBe('3 s');
    expect(formatDuration(0.5)).toBe('0.5 s');
    expect(formatDuration(0.0123)).toBe('0.01 s');
  });

  it('says 0 s for negative, zero and invalid spans', () => {
    for (const seconds of [0, -3, Number.NaN, Number.POSITIVE_INFINITY]) expect(formatDuration(seconds)).toBe('0 s');
  });

  it('writes what parseDuration reads back, to the shown precision', () => {
    for (const seconds of [1, 9.5, 45, 60, 90, 3_600, 3_660, 86_400, 90_000, 604_800]) {
      expect(parseDuration(formatDuration(seconds))).toBe(seconds);
    }
  });
});

describe('formatIsoTime', () => {
  it('writes UTC to the second, from Unix seconds or a Date', () => {
    const at = Date.UTC(2026, 0, 31, 12, 0, 5) / 1000;
    expect(formatIsoTime(at)).toBe('2026-01-31T12:00:05Z');
    expect(formatIsoTime(new Date(at * 1000))).toBe('2026-01-31T12:00:05Z');
  });

  it('drops milliseconds rather than rounding them up to the next second', () => {
    const at = Date.UTC(2026, 0, 31, 12, 0, 5, 999);
    expect(formatIsoTime(at / 1000)).toBe('2026-01-31T12:00:05Z');
    expect(formatIsoTime(new Date(at))).toBe('2026-01-31T12:00:05Z');
    expect(formatIsoTime(-0.5)).toBe('1969-12-31T23:59:59Z');
  });
});

describe('the vocabulary module', () => {
  it('imports nothing, so a browser bundle can take it without zod', () => {
    const source = readFileSync(new URL('./vocabulary.ts', import.meta.url), 'utf8');
    expect(source).not.toMatch(/^\s*import\s/m);
  });
});
