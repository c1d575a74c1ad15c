/** Failed authentications of one client address in the current window, and until when it is refused. */
interface Tally {
  windowStart: number;
  failures: number;
  blockedUntil: number;
}

export interface AuthThrottle {
  /** Milliseconds the address must still wait, or 0 when it may try. */
  waitMs(address: string | undefined, now: number): number;
  /** Counts a failed authentication; the limit reached, the address waits a window. */
  noteFailure(address: string | undefined, now: number): void;
  /** Addresses tracked now (bounded by `maxAddresses`). */
  size(): number;
}

export interface AuthThrottleOptions {
  /** Failures allowed in one window; 0 turns the throttle off. */
  limit: number;
  windowMs?: number;
  /** Addresses remembered at most; the longest-known is forgotten first. */
  maxAddresses?: number;
}

/**
 * Failed authentication throttled per client address, in this process's memory: `limit`
 * failures within `windowMs` and the address is refused for `windowMs`. Requests whose
 * address is unknown are not throttled.
 */
export function createAuthThrottle({ limit, windowMs = 60_000, maxAddresses = 10_000 }: AuthThrottleOptions): AuthThrottle {
  const tallies = new Map<string, Tally>();
  return {
    waitMs(address, now) {
      if (limit === 0 || address === undefined) return 0;
      const tally = tallies.get(address);
      return tally && tally.blockedUntil > now ? tally.blockedUntil - now : 0;
    },
    noteFailure(address, now) {
      if (limit === 0 || address === undefined) return;
      let tally = tallies.get(address);
      if (!tally || now - tally.windowStart >= windowMs) {
        if (tally && tally.blockedUntil > now) return;
        tallies.delete(address);
        if (tallies.size >= maxAddresses) {
          // The oldest entry first: Map keeps insertion order.
          const oldest = tallies.keys().next().value;
          if (oldest !== undefined) tallies.delete(oldest);
        }
        tally = { windowStart: now, failures: 0, blockedUntil: 0 };
        tallies.set(address, tally);
      }
      tally.failures += 1;
      if (tally.failures >= limit) tally.blockedUntil = now + windowMs;
    },
    size: () => tallies.size,
  };
}
