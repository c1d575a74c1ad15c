/**
 * A token bucket: `burst` calls at once, then `perMinute` a minute. Answers whether a call
 * may go now.
 */
export function createRateLimiter(burst: number, perMinute: number, now: () => number = Date.now): () => boolean {
  let tokens = burst;
  let last = now();
  return () => {
    const at = now();
    tokens = Math.min(burst, tokens + ((at - last) * perMinute) / 60_000);
    last = at;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  };
}
