import { describe, expect, it } from 'vitest';
import { toDateTimeLocal } from './durations.js';
import { activeSnooze, countServices, readSnooze, servicesOfTag, snoozeWords, spanWords, tagCounts } from './snooze.js';

// 2026-12-02 at a whole minute, so that a datetime-local value round-trips exactly.
const NOW = 1_796_212_800;

describe('readSnooze', () => {
  it('sends the fixed choices as seconds from now', () => {
    expect(readSnooze('1h', '', NOW)).toEqual({ span: { for: 3_600 } });
    expect(readSnooze('4h', 'ignored', NOW)).toEqual({ span: { for: 14_400 } });
    expect(readSnooze('1d', '', NOW)).toEqual({ span: { for: 86_400 } });
  });

  it('sends a chosen date and time as Unix seconds', () => {
    expect(readSnooze('until', toDateTimeLocal(NOW + 7_200), NOW)).toEqual({ span: { until: NOW + 7_200 } });
  });

  it('asks for a date and time when none is chosen', () => {
    expect(readSnooze('until', ' ', NOW)).toEqual({ problem: 'Choose the date and time the snooze ends.' });
  });

  it('refuses a date that is not one, and a date in the past', () => {
    expect(readSnooze('until', 'tomorrow', NOW)).toEqual({
      problem: 'The end of the snooze must be a date and time; received "tomorrow".',
    });
    expect(readSnooze('until', toDateTimeLocal(NOW - 60), NOW)).toEqual({
      problem: expect.stringMatching(/^The end of the snooze must be in the future; \d{4}-\d\d-\d\d \d\d:\d\d:00 has passed\.$/),
    });
  });
});

describe('snooze words', () => {
  it('names a span as the dashboard offered it', () => {
    expect(spanWords({ for: 14_400 })).toBe('for 4 hours');
    expect(spanWords({ for: 90 })).toBe('for 90 s');
    expect(spanWords({ until: NOW })).toMatch(/^until \d{4}-12-0[12] \d\d:00:00$/);
  });

  it('says until when and how long is left', () => {
    expect(snoozeWords(NOW + 3_600, NOW)).toMatch(/^snoozed until \d{4}-\d\d-\d\d \d\d:00:00 \(in 1 h\)$/);
  });

  it('counts services in words', () => {
    expect(countServices(1)).toBe('1 service');
    expect(countServices(0)).toBe('0 services');
    expect(countServices(3)).toBe('3 services');
  });
});

describe('activeSnooze', () => {
  it('answers the end of a snooze still running, and null for none or one run out', () => {
    expect(activeSnooze({ snoozedUntil: NOW + 1 }, NOW)).toBe(NOW + 1);
    expect(activeSnooze({ snoozedUntil: NOW }, NOW)).toBeNull();
    expect(activeSnooze({ snoozedUntil: null }, NOW)).toBeNull();
    expect(activeSnooze({}, NOW)).toBeNull();
  });
});

describe('the services a board snooze covers', () => {
  const board = [
    { service: 'web', tags: ['prod'] },
    { service: 'backup', tags: ['db', 'prod'] },
    { service: 'replica', tags: ['db'] },
    { service: 'classic' },
  ];

  it('takes every service of a tag, or every service', () => {
    expect(servicesOfTag(board, 'db')).toEqual(['backup', 'replica']);
    expect(servicesOfTag(board, 'none')).toEqual([]);
    expect(servicesOfTag(board, undefined)).toEqual(['backup', 'classic', 'replica', 'web']);
  });

  it('lists the tags in use with their counts', () => {
    expect(tagCounts(board)).toEqual([
      ['db', 2],
      ['prod', 2],
    ]);
  });
});
