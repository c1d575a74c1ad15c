import { describe, expect, it } from 'vitest';
import { LEVELS as PROTOCOL_LEVELS } from '@watchtower/protocol';
import { LEVELS, levelBand, levelLabel, levelParam, parseLevel } from './levels.js';

describe('levels', () => {
  it('are the protocol levels', () => {
    expect(LEVELS).toEqual(PROTOCOL_LEVELS);
  });

  it('fall into the band of the highest named level at or below them', () => {
    expect(levelBand(0)).toBe('none');
    expect(levelBand(10)).toBe('debug');
    expect(levelBand(39)).toBe('warning');
    expect(levelBand(1_000)).toBe('critical');
  });

  it('are labelled by name, or by number with their band', () => {
    expect(levelLabel(40)).toBe('error');
    expect(levelLabel(35)).toBe('warning 35');
    expect(levelLabel(0)).toBe('0');
  });

  it('parse names in any case and whole numbers', () => {
    expect(parseLevel('Error')).toBe(40);
    expect(parseLevel('7')).toBe(7);
    expect(parseLevel(35)).toBe(35);
    expect(parseLevel('')).toBeUndefined();
    expect(parseLevel('-1')).toBeUndefined();
    expect(parseLevel('loud')).toBeUndefined();
    expect(levelParam(30)).toBe('warning');
    expect(levelParam(31)).toBe('31');
  });
});
