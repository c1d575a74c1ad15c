import type { ChannelRegistry } from './channels/registry.js';
import type { Config } from './config.js';
import type { Storage } from './db/client.js';
import type { ChangeFeed } from './feed/change-feed.js';
import type { Clock } from './lib/clock.js';
import type { Logger } from './lib/logger.js';
import type { LoopHealth } from './jobs/loop.js';
import type { OutageTracker } from './db/outage.js';
import type { JobSignals } from './domain/changes.js';
import type { SdkFiles } from './routes/sdk.js';
import type { Metrics } from './lib/metrics.js';
import type { DatabaseCheck } from './jobs/database-check.js';

export type { JobSignals };

/** Everything the app needs from outside; tests pass their own. */
export interface AppDeps {
  db: Storage;
  clock: Clock;
  config: Config & { password: string };
  log: Logger;
  /** The alert channels; built from config when absent. */
  channels?: ChannelRegistry | undefined;
  /** Wakes the sweeper and the sender; nothing is woken when absent (tests drive them). */
  signals?: JobSignals | undefined;
  /** Where committed changes are announced for live views; in-process when absent. */
  feed?: ChangeFeed | undefined;
  /** Where database outages are recorded; one of its own when absent. */
  outage?: OutageTracker | undefined;
  /** The background loops, whose health /healthz reports; none when absent. */
  loops?: Array<{ health(): LoopHealth }> | undefined;
  /** /healthz's view of the database; when absent, one that checks only when a probe finds its state old. */
  databaseCheck?: DatabaseCheck | undefined;
  /** The counters /metrics reports; the app's own when absent. */
  metrics?: Metrics | undefined;
  /** Folder of the built dashboard, served at /gui. */
  guiDir?: string | undefined;
  /** The SDK files served at /sdk; none when absent. */
  sdk?: SdkFiles | undefined;
}

/** AppDeps with the optional parts filled in. */
export type ResolvedDeps = AppDeps & {
  channels: ChannelRegistry;
  signals: JobSignals;
  feed: ChangeFeed;
  outage: OutageTracker;
  databaseCheck: DatabaseCheck;
  metrics: Metrics;
};
