import { describe, expect, it } from 'vitest';
import { alertOf } from '../../test/support/channel-alerts.js';
import { toneOf } from './alert-tone.js';
import { clip, escapeWithin } from './fit-text.js';

describe('clip', () => {
  it('keeps a text that fits as it is', () => {
    expect(clip('short', 5)).toBe('short');
  });

  it('cuts to the limit with an ellipsis, never splitting a character', () => {
    expect(clip('🔥🔥🔥🔥', 3)).toBe('🔥🔥…');
  });

  it('counts UTF-8 bytes when asked', () => {
    // "é" is 2 bytes and "…" 3: the 8 bytes of "éééé" fit in 8, and in 7 two of them and the ellipsis do.
    expect(clip('éééé', 8, 'bytes')).toBe('éééé');
    expect(clip('éééé', 7, 'bytes')).toBe('éé…');
  });
});

describe('escapeWithin', () => {
  it('escapes a text that fits', () => {
    expect(escapeWithin('telegram', 'a.b', 10)).toBe('a\\.b');
  });

  it('cuts between escapes, never after a lone backslash', () => {
    const cut = escapeWithin('markdown', '*'.repeat(10), 6);
    expect(cut).toBe('\\*\\*…');
    expect(escapeWithin('telegram', '.'.repeat(10), 6)).toBe('\\.\\.…');
  });
});

describe('toneOf', () => {
  it.each([
    ['down', 'bad'],
    ['failed', 'bad'],
    ['reminder', 'bad'],
    ['late', 'warning'],
    ['recovered', 'good'],
  ] as const)('calls a %s alert %s', (kind, tone) => {
    expect(toneOf(alertOf(kind))).toBe(tone);
  });

  it.each([
    [10, 'info'],
    [20, 'info'],
    [30, 'warning'],
    [35, 'warning'],
    [40, 'bad'],
    [50, 'bad'],
  ])('calls an event of level %i %s', (level, tone) => {
    expect(toneOf(alertOf('event', 'backup', { level }))).toBe(tone);
  });
});
