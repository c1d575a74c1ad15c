import type { ChannelRegistry } from '../alerts/registry.js';
import { renderAlert } from '../alerts/render-alert.js';
import type { Storage } from '../db/client.js';
import type { AlertRow } from '../db/schema.js';
import {
  claimDueAlerts,
  markAlertSent,
  nextAlertDue,
  recordAlertFailure,
  toAlertDelivery,
} from '../domain/alerts/delivery-queue.js';
import type { ChangeFeed } from '../lib/change-feed.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { StepResult } from './loop.js';

/** How long a claimed alert stays with its sender; longer than any delivery may take. */
export const DELIVERY_LEASE_MS = 60_000;
/** Failed deliveries are retried for this long before the alert is marked failed. */
export const RETRY_FOR_MS = 24 * 3600 * 1000;
const FIRST_RETRY_MS = 1_000;
const LONGEST_RETRY_MS = 15 * 60 * 1000;

/** When to try again after `attempts` failures: doubling, capped, with ±20 % jitter; null past the retry window. */
export function retryTime(alert: Pick<AlertRow, 'attempts' | 'createdAt'>, now: Date, random = Math.random): Date | null {
  if (now.getTime() - alert.createdAt.getTime() >= RETRY_FOR_MS) return null;
  const base = Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, alert.attempts - 1), LONGEST_RETRY_MS);
  return new Date(now.getTime() + base * (0.8 + 0.4 * random()));
}

export function createSendStep({
  storage,
  clock,
  log,
  channels,
  feed,
}: {
  storage: Storage;
  clock: Clock;
  log: Logger;
  channels: ChannelRegistry;
  feed?: ChangeFeed;
}): () => Promise<StepResult> {
  const announce = (row: AlertRow | null) => {
    if (row) feed?.publish([{ type: 'alert', alert: toAlertDelivery(row) }]);
  };

  async function deliver(alert: AlertRow): Promise<void> {
    const fields = { alert_id: alert.id, kind: alert.kind, service: alert.service, channel: alert.channel, attempt: alert.attempts };
    try {
      const channel = channels.get(alert.channel);
      if (!channel) throw new Error(`no channel named ${alert.channel}`);
      const missing = channel.missingConfig();
      if (missing) throw new Error(missing);
      await channel.deliver(alert, renderAlert(alert), channels.context);
      announce(await markAlertSent(storage, alert.id, clock.now()));
      log.info(fields, 'alert.sent');
    } catch (error) {
      const message = (error as Error).message;
      const retryAt = retryTime(alert, clock.now());
      announce(await recordAlertFailure(storage, alert.id, message, retryAt));
      log[retryAt ? 'warn' : 'error']({ ...fields, error: message, retry_at: retryAt }, retryAt ? 'alert.retry' : 'alert.failed');
    }
  }

  return async () => {
    const claimed = await claimDueAlerts(storage, clock.now(), DELIVERY_LEASE_MS);
    if (claimed.length > 0) {
      await Promise.all(claimed.map(deliver));
      return { didWork: true };
    }
    return { didWork: false, wakeAt: await nextAlertDue(storage) };
  };
}
