import { describe, expect, it } from 'vitest';
import { describeSince, formatAgo, formatCountdown, formatDuration, fromDateTimeLocal, parseSince, toDateTimeLocal } from './durations.js';

describe('formatDuration', () => {
  it('shows at most two units, the largest first', () => {
    expect(formatDuration(0)).toBe('0 s');
    expect(formatDuration(45)).toBe('45 s');
    expect(formatDuration(90)).toBe('1 min 30 s');
    expect(formatDuration(3_600)).toBe('1 h');
    expect(formatDuration(3_725)).toBe('1 h 2 min');
    expect(formatDuration(90_061)).toBe('1 d 1 h');
    expect(formatDuration(604_800)).toBe('7 d');
  });

  it('drops the second unit when it is zero rather than skipping to a smaller one', () => {
    expect(formatDuration(3_605)).toBe('1 h');
    expect(formatDuration(86_460)).toBe('1 d');
  });

  it('keeps a tenth of a second under 10 s and a hundredth under 1 s, as every part of watchtower does', () => {
    expect(formatDuration(0.5)).toBe('0.5 s');
    expect(formatDuration(2.9)).toBe('2.9 s');
  });

  it('treats negative and invalid durations as zero', () => {
    expect(formatDuration(-3)).toBe('0 s');
    expect(formatDuration(Number.NaN)).toBe('0 s');
  });
});

describe('formatAgo and formatCountdown', () => {
  it('says just now under a second', () => {
    expect(formatAgo(0.4)).toBe('just now');
    expect(formatAgo(75)).toBe('1 min 15 s ago');
  });

  it('counts whole seconds ago, so the words do not change between ticks', () => {
    expect(formatAgo(2.9)).toBe('2 s ago');
  });

  it('counts down to a deadline and then counts how overdue it is', () => {
    expect(formatCountdown(64.2)).toBe('in 1 min 5 s');
    expect(formatCountdown(0)).toBe('in 0 s');
    expect(formatCountdown(-3.7)).toBe('overdue by 3 s');
  });
});

describe('parseSince', () => {
  it('reads the durations of the config presets', () => {
    expect(parseSince('90s')).toBe(90);
    expect(parseSince('15m')).toBe(900);
    expect(parseSince('2h')).toBe(7_200);
    expect(parseSince('1d')).toBe(86_400);
    expect(parseSince('1w')).toBe(604_800);
    expect(parseSince('30')).toBe(30);
  });

  it('reads every duration of the shared grammar: several units, fractions, spaces', () => {
    expect(parseSince('1h30m')).toBe(5_400);
    expect(parseSince('1.5h')).toBe(5_400);
    expect(parseSince('1 h')).toBe(3_600);
  });

  it('refuses anything else', () => {
    for (const text of ['', 'h', '1y', '-1h', '0', '30m1h', 'yesterday']) expect(parseSince(text)).toBeUndefined();
  });

  it('names the common ranges in words', () => {
    expect(describeSince('1h')).toBe('last hour');
    expect(describeSince('24h')).toBe('last day');
    expect(describeSince('2h')).toBe('last 2 h');
  });
});

describe('datetime-local values', () => {
  it('round-trip through Unix seconds to the minute', () => {
    const at = Date.UTC(2026, 0, 31, 12, 34) / 1000;
    expect(fromDateTimeLocal(toDateTimeLocal(at))).toBe(at);
  });

  it('refuse what a picker does not produce', () => {
    expect(fromDateTimeLocal('')).toBeUndefined();
    expect(fromDateTimeLocal('yesterday')).toBeUndefined();
  });
});
