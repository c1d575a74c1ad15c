import type { Config } from '../config.js';
import { applyRetention, type RetentionSettings } from '../domain/retention/apply-retention.js';
import type { DomainContext } from '../domain/context.js';
import type { Logger } from '../lib/logger.js';

/** How often retention runs: it also makes the event partitions of the days ahead. */
export const RETENTION_INTERVAL_MS = 60 * 60_000;

export function retentionSettings(config: Pick<Config, 'events' | 'alerts' | 'runs' | 'history'>): RetentionSettings {
  return {
    eventsDays: config.events.retentionDays,
    eventsDaysByLevel: config.events.retentionByLevel,
    alertsDays: config.alerts.retentionDays,
    runsDays: config.runs.retentionDays,
    historyDays: config.history.retentionDays,
  };
}

/**
 * Applies retention soon after start, then every interval. Every process runs it; on a
 * shared PostgreSQL, runs that meet find each other's work done (see applyRetention).
 */
export function startRetention(
  context: DomainContext,
  settings: RetentionSettings,
  log: Logger,
  { intervalMs = RETENTION_INTERVAL_MS, firstAfterMs = 30_000 } = {},
): { stop(): Promise<void> } {
  let running: Promise<void> | undefined;
  const run = () => {
    // A run still going (a large first clean-up) is not doubled.
    running ??= (async () => {
      const started = performance.now();
      try {
        const outcome = await applyRetention(context, settings);
        log.info({ ...outcome, duration_ms: Math.round(performance.now() - started) }, 'retention');
      } catch (error) {
        log.warn({ err: error }, 'retention failed; tried again at the next run');
      } finally {
        running = undefined;
      }
    })();
  };
  const first = setTimeout(run, firstAfterMs);
  const timer = setInterval(run, intervalMs);
  first.unref();
  timer.unref();
  return {
    stop: async () => {
      clearTimeout(first);
      clearInterval(timer);
      await running;
    },
  };
}
