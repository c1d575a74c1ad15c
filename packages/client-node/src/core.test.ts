import * as vocabulary from '@watchtower/protocol/vocabulary';
import { describe, expect, it } from 'vitest';
import { LEVELS, levelName, parseDuration } from './core.js';

describe('the core entry', () => {
  it('exports the protocol vocabulary, not a copy of it', () => {
    expect(LEVELS).toBe(vocabulary.LEVELS);
    expect(levelName).toBe(vocabulary.levelName);
    expect(parseDuration).toBe(vocabulary.parseDuration);
  });

  it('names a known level number and shows another as a number', () => {
    expect([levelName(40), levelName(35)]).toEqual(['error', '35']);
  });

  it('reads durations in weeks and in several units', () => {
    expect([parseDuration('1w'), parseDuration('1h30m'), parseDuration('1.5h'), parseDuration(42)]).toEqual([604_800, 5_400, 5_400, 42]);
  });

  it('refuses a duration that is not one, naming the field', () => {
    expect(() => parseDuration('soon', 'nextIn')).toThrow(
      /^nextIn must be a positive number of seconds or a duration such as 90, 90s, 15m, 1h30m, 1.5h, 1d or 1w/,
    );
  });
});
