import type { Storage } from '../db/client.js';
import type { Logger } from '../lib/logger.js';

/** How often the embedded database is vacuumed and its statistics refreshed. */
export const MAINTENANCE_INTERVAL_MS = 10 * 60_000;

/**
 * PGlite runs no autovacuum: without this, every pulse leaves a dead row version behind
 * (the heartbeats table only grows) and the planner works from the statistics of the
 * first start. A short VACUUM ANALYZE now and then does what autovacuum would.
 */
export function startMaintenance(
  storage: Storage,
  log: Logger,
  { intervalMs = MAINTENANCE_INTERVAL_MS, firstAfterMs = 60_000 } = {},
): { stop(): void } {
  const run = async () => {
    const started = performance.now();
    try {
      await storage.query('vacuum analyze', []);
      log.debug({ duration_ms: Math.round(performance.now() - started) }, 'database maintenance');
    } catch (error) {
      log.warn({ err: error }, 'database maintenance failed');
    }
  };
  // Soon after start (the statistics of an empty database help no one), then regularly.
  const first = setTimeout(() => void run(), firstAfterMs);
  const timer = setInterval(() => void run(), intervalMs);
  first.unref();
  timer.unref();
  return {
    stop: () => {
      clearTimeout(first);
      clearInterval(timer);
    },
  };
}
