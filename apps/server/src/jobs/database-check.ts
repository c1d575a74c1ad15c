import type { Storage } from '../db/client.js';
import { describeFailure } from '../db/errors.js';
import type { OutageTracker } from '../db/outage.js';
import { countFailedAlerts } from '../domain/outbox/delivery-queue.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { HealthProblem } from './health.js';

const DAY_MS = 24 * 3600 * 1000;
/** A probe answers from a check at most this old (by the server's clock); an older one is redone. */
export const CHECK_MAX_AGE_MS = 5_000;
/** How often the running server checks in the background, so that no probe waits for one. */
export const CHECK_EVERY_MS = 2_000;
const CHECK_TIMEOUT_MS = 2_000;

/** What the last check of the database found. */
export interface DatabaseState {
  checkedAt: Date;
  /** Set while the database fails. */
  problem: HealthProblem | null;
  /** Alerts given up in the 24 hours before the check; unknown while the database fails. */
  failedAlerts24h: number | undefined;
}

export interface DatabaseCheck {
  /**
   * The last check's state; a new check (one for all callers at once) when there is none
   * yet, when it is older than CHECK_MAX_AGE_MS, or when a query failed to reach the
   * database since a check that found it well.
   */
  current(): Promise<DatabaseState>;
  /** Checks every CHECK_EVERY_MS until stopped. */
  start(): { stop(): Promise<void> };
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`the database did not answer within ${ms} ms`), { code: 'ETIMEDOUT' })), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * `/healthz`'s view of the database: a ping and the count of failed alerts, kept from one
 * check to the next, so that probes, however many, cost the database nothing.
 */
export function createDatabaseCheck({
  db,
  clock,
  outage,
  log,
}: {
  db: Pick<Storage, 'ping' | 'query' | 'transaction'>;
  clock: Clock;
  outage: OutageTracker;
  log: Logger;
}): DatabaseCheck {
  let last: (DatabaseState & { failuresSeen: number }) | undefined;
  let checking: Promise<DatabaseState> | undefined;

  async function check(): Promise<DatabaseState> {
    const failuresSeen = outage.failures();
    const now = clock.now();
    try {
      await db.ping(CHECK_TIMEOUT_MS);
      const failedAlerts24h = await withTimeout(
        countFailedAlerts({ db, clock }, { since: new Date(now.getTime() - DAY_MS) }),
        CHECK_TIMEOUT_MS,
      );
      last = { checkedAt: now, problem: null, failedAlerts24h, failuresSeen };
    } catch (error) {
      if (!last?.problem) log.warn({ err: error }, 'health check: the database failed');
      const since = outage.since() ?? last?.problem?.since ?? now;
      last = {
        checkedAt: now,
        problem: { part: 'database', since, error: describeFailure(error) },
        failedAlerts24h: undefined,
        failuresSeen,
      };
    }
    return last;
  }

  function checkOnce(): Promise<DatabaseState> {
    checking ??= check().finally(() => {
      checking = undefined;
    });
    return checking;
  }

  function isStale(state: typeof last): boolean {
    if (!state) return true;
    if (clock.now().getTime() - state.checkedAt.getTime() >= CHECK_MAX_AGE_MS) return true;
    // A real query just failed to reach the database: a probe must not answer 200 on old news.
    return !state.problem && outage.failures() !== state.failuresSeen;
  }

  return {
    current: () => (isStale(last) ? checkOnce() : Promise.resolve(last!)),
    start() {
      const timer = setInterval(() => void checkOnce(), CHECK_EVERY_MS);
      timer.unref();
      void checkOnce();
      return {
        stop: async () => {
          clearInterval(timer);
          await checking;
        },
      };
    },
  };
}
