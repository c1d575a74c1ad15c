import { describe, expect, it } from 'vitest';
import { parseDuration } from './duration.js';

describe('parseDuration', () => {
  it.each([
    ['90', 90],
    ['90s', 90],
    ['15m', 900],
    ['1h', 3_600],
    ['1d', 86_400],
    ['1.5h', 5_400],
    [' 2H ', 7_200],
    [42, 42],
    [0.5, 0.5],
  ])('reads %j as %d seconds', (input, seconds) => {
    expect(parseDuration(input)).toBe(seconds);
  });

  it.each(['', '0', '-5', '1w', '1h30m', 'h', 'soon', '1e3'])('rejects %j, naming the field', (input) => {
    expect(() => parseDuration(input, 'nextIn')).toThrow(/^nextIn must be a positive number of seconds or a duration such as 90, 90s, 15m, 1h or 1d/);
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('rejects the number %d', (input) => {
    expect(() => parseDuration(input)).toThrow(RangeError);
  });
});
