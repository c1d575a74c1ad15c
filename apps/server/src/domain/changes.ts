import type { StreamChange } from '@watchtower/protocol';
import type { ChangeFeed } from '../feed/change-feed.js';
import type { Logger } from '../lib/logger.js';

/** How request handlers and loops tell the background loops that there is new work. */
export interface JobSignals {
  /** A service is armed with this deadline: the sweeper must look at it then. */
  deadlineSet(at: Date): void;
  /** An alert was queued: the sender should deliver it now. */
  alertQueued(): void;
}

export interface LogLine {
  level: 'info' | 'warn';
  fields: Record<string, unknown>;
  message: string;
}

/** What a verb changed, for the work that follows its commit. */
export interface Changes {
  /** Announced to live views. */
  feed: StreamChange[];
  /** Deadlines armed: the sweeper looks at each when it comes. */
  deadlines: Date[];
  /** Alerts were queued: the sender runs now. */
  alertsQueued: boolean;
  /** Lines that say what happened. */
  log: LogLine[];
}

export function changes(some: Partial<Changes> = {}): Changes {
  return { feed: [], deadlines: [], alertsQueued: false, log: [], ...some };
}

export function mergeChanges(all: Changes[]): Changes {
  return changes({
    feed: all.flatMap((one) => one.feed),
    deadlines: all.flatMap((one) => one.deadlines),
    alertsQueued: all.some((one) => one.alertsQueued),
    log: all.flatMap((one) => one.log),
  });
}

/** Where the after-commit work goes; a part left out is skipped. */
export interface ChangeTargets {
  feed?: ChangeFeed | undefined;
  signals?: JobSignals | undefined;
  log: Logger;
}

/** The one place that does the work a commit calls for: log it, announce it, wake the loops. */
export function applyChanges(done: Changes, { feed, signals, log }: ChangeTargets): void {
  for (const line of done.log) log[line.level](line.fields, line.message);
  if (done.feed.length > 0) feed?.publish(done.feed);
  for (const at of done.deadlines) signals?.deadlineSet(at);
  if (done.alertsQueued) signals?.alertQueued();
}
