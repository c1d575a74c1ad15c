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

/** How long a claimed alert stays with its sender; well beyond a delivery's 10 s time-out. */
export const DELIVERY_LEASE_MS = 30_000;
/** Deliveries under way at once in one process. */
const MAX_IN_FLIGHT = 32;
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

export type SendStep = (() => Promise<StepResult>) & {
  /** Waits for the deliveries under way. */
  drain(): Promise<void>;
};

/**
 * One step of the sender: claims due alerts and delivers them. With `background`, a step
 * starts deliveries without waiting for them (a slow provider holds up no other alert) and
 * `onSettled` is called as each ends; without it, a step waits for its deliveries.
 */
export function createSendStep({
  storage,
  clock,
  log,
  channels,
  feed,
  background,
}: {
  storage: Storage;
  clock: Clock;
  log: Logger;
  channels: ChannelRegistry;
  feed?: ChangeFeed;
  background?: { onSettled: () => void };
}): SendStep {
  const announce = (row: AlertRow | null) => {
    if (row) feed?.publish([{ type: 'alert', alert: toAlertDelivery(row) }]);
  };
  const inFlight = new Set<Promise<void>>();

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
      try {
        announce(await recordAlertFailure(storage, alert.id, message, retryAt));
      } catch (recordError) {
        // The lease runs out and the alert is claimed again: nothing is lost.
        log.error({ ...fields, err: recordError }, 'could not record a failed delivery');
      }
      log[retryAt ? 'warn' : 'error']({ ...fields, error: message, retry_at: retryAt }, retryAt ? 'alert.retry' : 'alert.failed');
    }
  }

  const step = async (): Promise<StepResult> => {
    const room = background ? MAX_IN_FLIGHT - inFlight.size : MAX_IN_FLIGHT;
    if (room <= 0) return { didWork: false };
    const claimed = await claimDueAlerts(storage, clock.now(), DELIVERY_LEASE_MS, room);
    if (claimed.length === 0) return { didWork: false, wakeAt: await nextAlertDue(storage) };
    const deliveries = claimed.map((alert) => {
      const delivery = deliver(alert).finally(() => {
        inFlight.delete(delivery);
        background?.onSettled();
      });
      inFlight.add(delivery);
      return delivery;
    });
    if (!background) await Promise.all(deliveries);
    return { didWork: true };
  };
  return Object.assign(step, {
    drain: async () => {
      await Promise.all([...inFlight]);
    },
  });
}
