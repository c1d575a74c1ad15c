import { describe, expect, it } from 'vitest';
import { clockOffset } from './clock-offset.js';
import { retryDelay } from './live-stream.js';

describe('clockOffset', () => {
  const received = Date.parse('2026-01-01T12:00:00.300Z');

  it('counts a difference within the Date header precision as none', () => {
    expect(clockOffset('Thu, 01 Jan 2026 12:00:00 GMT', received)).toBe(0);
    expect(clockOffset('Thu, 01 Jan 2026 12:00:01 GMT', received)).toBe(0);
  });

  it('measures a browser clock that is off by more', () => {
    expect(clockOffset('Thu, 01 Jan 2026 12:00:30 GMT', received)).toBeCloseTo(30.2, 5);
    expect(clockOffset('Thu, 01 Jan 2026 11:59:00 GMT', received)).toBeCloseTo(-59.8, 5);
  });

  it('ignores a missing or unreadable header', () => {
    expect(clockOffset(null, received)).toBeUndefined();
    expect(clockOffset('soon', received)).toBeUndefined();
  });
});

describe('retryDelay', () => {
  it('starts at the server retry, grows by half each time and stops at 30 s', () => {
    const middle = () => 0.5;
    expect(retryDelay(0, 2_000, middle)).toBe(2_000);
    expect(retryDelay(1, 2_000, middle)).toBe(3_000);
    expect(retryDelay(2, 2_000, middle)).toBe(4_500);
    expect(retryDelay(20, 2_000, middle)).toBe(30_000);
  });

  it('spreads reconnections by up to a fifth either way', () => {
    expect(retryDelay(0, 2_000, () => 0)).toBe(1_600);
    expect(retryDelay(0, 2_000, () => 0.999_999)).toBe(2_400);
  });
});
