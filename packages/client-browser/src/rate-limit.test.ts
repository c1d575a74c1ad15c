import { describe, expect, it } from 'vitest';
import { createRateLimiter } from './rate-limit.js';

describe('createRateLimiter', () => {
  it('lets a burst through, then refuses', () => {
    const allow = createRateLimiter(3, 6, () => 0);
    expect([allow(), allow(), allow(), allow()]).toEqual([true, true, true, false]);
  });

  it('lets one more through per refill interval', () => {
    let now = 0;
    const allow = createRateLimiter(2, 6, () => now);
    allow();
    allow();
    now = 9_999;
    expect(allow()).toBe(false);
    now = 10_000;
    expect(allow()).toBe(true);
    expect(allow()).toBe(false);
  });

  it('never saves up more than the burst', () => {
    let now = 0;
    const allow = createRateLimiter(2, 60, () => now);
    now = 3_600_000;
    expect([allow(), allow(), allow()]).toEqual([true, true, false]);
  });
});
