import { formatDuration } from '@watchtower/protocol';
import { DeliveryError, type DeliveryContext } from '../channels/channel.js';
import { deliverThroughChannel } from '../channels/named-delivery.js';
import type { ChannelRegistry } from '../channels/registry.js';
import { renderAlert } from '../channels/render-alert.js';
import type { Storage } from '../db/client.js';
import type { AlertRow } from '../db/schema.js';
import {
  claimDueAlerts,
  deferEventAlerts,
  markAlertsSent,
  nextAlertDue,
  recordAlertFailure,
  type AlertOutcome,
  type ClaimedAlert,
} from '../domain/outbox/delivery-queue.js';
import type { ChangeFeed } from '../feed/change-feed.js';
import { applyChanges } from '../domain/changes.js';
import { findChannel } from '../domain/channels/find-channels.js';
import type { DomainContext } from '../domain/context.js';
import { isDatabaseUnavailable } from '../db/errors.js';
import type { Clock } from '../lib/clock.js';
import { groupCommit } from '../lib/group-commit.js';
import type { Logger } from '../lib/logger.js';
import type { Metrics } from '../lib/metrics.js';
import type { StepResult } from './loop.js';

/** How long a claimed alert stays with its sender: its delivery's deadline, then time to record the outcome. */
export const DELIVERY_LEASE_MS = 30_000;
/** A delivery (address check and provider call together) that has no outcome by then is a failed attempt. */
export const DELIVERY_DEADLINE_MS = 20_000;
/** Deliveries under way at once in one process. */
const MAX_IN_FLIGHT = 256;
// With deliveries under way, a claim waits until this many have ended: one claim of many
// rather than one per delivery that ends, when thousands fall due at once.
const CLAIM_AT_LEAST = 64;
/** Sent statuses written by one statement at most. */
const MAX_SENT_BATCH = 500;
/** Event alerts may take this many of them at most: the others stay free for deaths and recoveries. */
const MAX_EVENTS_IN_FLIGHT = 24;
/** Event alerts one process starts per channel in a window; the rest wait for the next. */
export const EVENT_ALERT_RATE = { limit: 30, windowMs: 60_000 };
/** Failed deliveries are retried for this long before the alert is marked failed. */
export const RETRY_FOR_MS = 24 * 3600 * 1000;
const FIRST_RETRY_MS = 1_000;
const LONGEST_RETRY_MS = 15 * 60 * 1000;
// Waits between tries of writing a sent status. The first five fit in the lease that the
// deadline leaves; a later one still wins if no other sender has claimed the alert since.
const RECORD_RETRY_MS = [250, 500, 1_000, 2_000, 4_000, 8_000, 16_000];

/** When to try again after `attempts` failures: doubling, capped, with ±20 % jitter; null past the retry window. */
export function retryTime(alert: Pick<AlertRow, 'attempts' | 'createdAt'>, now: Date, random = Math.random): Date | null {
  if (now.getTime() - alert.createdAt.getTime() >= RETRY_FOR_MS) return null;
  const base = Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, alert.attempts - 1), LONGEST_RETRY_MS);
  return new Date(now.getTime() + base * (0.8 + 0.4 * random()));
}

/** What a failed attempt leaves as the alert's last error, saying so when it is the last. */
function failureReason(error: unknown, alert: AlertRow, retryAt: Date | null): string {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof DeliveryError && error.permanent) return `gave up: the provider refused permanently: ${message}`;
  if (!retryAt) return `gave up after ${alert.attempts} attempt(s) in ${formatDuration(RETRY_FOR_MS / 1000)}: ${message}`;
  return message;
}

/** Starts of event deliveries per channel in a sliding window. */
function createRateWindow({ limit, windowMs }: { limit: number; windowMs: number }) {
  const starts = new Map<string, number[]>();
  const recent = (channel: string, now: number) => {
    const kept = (starts.get(channel) ?? []).filter((at) => at > now - windowMs);
    starts.set(channel, kept);
    return kept;
  };
  return {
    /** Counts a start when the channel has room for one; false when it has none. */
    take(channel: string, now: number): boolean {
      const kept = recent(channel, now);
      if (kept.length >= limit) return false;
      kept.push(now);
      return true;
    },
    /** When the channel has room again. */
    freeAt(channel: string, now: number): Date {
      return new Date((recent(channel, now)[0] ?? now) + windowMs);
    },
  };
}

const sleep = (ms: number) => new Promise((wake) => setTimeout(wake, ms));

export type SendStep = (() => Promise<StepResult>) & {
  /** Waits for the deliveries under way. */
  drain(): Promise<void>;
};

type Fields = Record<string, unknown>;

export interface SenderOptions {
  storage: Storage;
  clock: Clock;
  log: Logger;
  channels: ChannelRegistry;
  feed?: ChangeFeed;
  background?: { onSettled: () => void };
  deliveryDeadlineMs?: number;
  eventRate?: { limit: number; windowMs: number };
  /** Told of each attempt's outcome, for /metrics. */
  metrics?: Pick<Metrics, 'observeDelivery'> | undefined;
}

/** The sender's state between steps: the deliveries in hand and the event alerts' rate. */
class Sender {
  // By alert id: an alert stays here until its outcome is written, and is not claimed again meanwhile.
  readonly inFlight = new Map<string, { event: boolean; done: Promise<void> }>();
  private readonly eventWindow: ReturnType<typeof createRateWindow>;
  private readonly deliveryDeadlineMs: number;
  private readonly eventRate: { limit: number; windowMs: number };
  // Deliveries that end while a batch of sent statuses is being written go in the next one.
  private readonly writeSent: (claim: ClaimedAlert) => Promise<AlertOutcome | null>;

  constructor(private readonly options: SenderOptions) {
    this.deliveryDeadlineMs = options.deliveryDeadlineMs ?? DELIVERY_DEADLINE_MS;
    this.eventRate = options.eventRate ?? EVENT_ALERT_RATE;
    this.eventWindow = createRateWindow(this.eventRate);
    this.writeSent = groupCommit((claims: ClaimedAlert[]) => markAlertsSent(this.context, { claims }), {
      maxBatch: MAX_SENT_BATCH,
      // Bounded by the deliveries in flight; recordSent retries a refusal anyway.
      maxPending: MAX_IN_FLIGHT * 4,
      retryAlone: (error) => !isDatabaseUnavailable(error),
    });
  }

  private get context(): DomainContext {
    return { db: this.options.storage, clock: this.options.clock };
  }

  /** A named channel's delivery, through the channel as it is now; a channel deleted since is given up. */
  private async sendNamed(alert: AlertRow, name: string, context: DeliveryContext): Promise<void> {
    const channel = await findChannel(this.context, { name });
    if (!channel)
      throw new DeliveryError(`the channel ${name} no longer exists: it was deleted after this alert was queued`, { permanent: true });
    await deliverThroughChannel(this.options.channels, channel, alert, context);
  }

  /** The classic alertType + alertTarget pair's delivery. */
  private async sendClassic(alert: AlertRow, context: DeliveryContext): Promise<void> {
    const channel = this.options.channels.get(alert.channel);
    if (!channel) throw new Error(`no channel named ${alert.channel}`);
    const missing = channel.missingConfig();
    if (missing) throw new Error(missing);
    await channel.deliver(alert, renderAlert(alert), context);
  }

  /** Delivers within one deadline; the channel's own time-out never runs past it. */
  private async send(alert: AlertRow): Promise<void> {
    const { channels, log } = this.options;
    const deadlineMs = this.deliveryDeadlineMs;
    const context = { ...channels.context, timeoutMs: Math.min(channels.context.timeoutMs, deadlineMs) };
    const delivery = alert.channelName === null ? this.sendClassic(alert, context) : this.sendNamed(alert, alert.channelName, context);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new DeliveryError(`no outcome within ${deadlineMs / 1000} s`)), deadlineMs);
    });
    try {
      await Promise.race([delivery, deadline]);
    } finally {
      clearTimeout(timer);
      // An outcome after the deadline changes nothing: the attempt already counts as failed.
      delivery.catch((error: unknown) => log.debug({ alert_id: alert.id, err: error }, 'alert.late_outcome'));
    }
  }

  /** The provider took it: only the record is retried, never the delivery. */
  private async recordSent(claim: ClaimedAlert, fields: Fields): Promise<void> {
    const { feed, log } = this.options;
    for (let attempt = 0; ; attempt += 1) {
      try {
        const outcome = await this.writeSent(claim);
        if (outcome) {
          applyChanges(outcome.changes, { feed, log });
          log.info(fields, 'alert.sent');
        } else {
          // Delivered, but the lease ran out and another sender holds the alert now.
          log.warn({ ...fields, outcome: 'sent' }, 'alert.claim_lost');
        }
        return;
      } catch (error) {
        const wait = RECORD_RETRY_MS[attempt];
        if (wait === undefined) {
          log.error({ ...fields, err: error }, 'could not record a delivered alert; it is delivered again when its lease runs out');
          return;
        }
        log.warn({ ...fields, err: error, retry_in_ms: wait }, 'alert.record_retry');
        await sleep(wait);
      }
    }
  }

  private async recordFailure(claim: ClaimedAlert, error: unknown, fields: Fields): Promise<void> {
    const { clock, log, feed } = this.options;
    const now = clock.now();
    const permanent = error instanceof DeliveryError && error.permanent;
    const retryAt = permanent ? null : retryTime(claim.alert, now);
    const reason = failureReason(error, claim.alert, retryAt);
    this.options.metrics?.observeDelivery(claim.alert, retryAt ? 'retry' : 'failed', now);
    try {
      const outcome = await recordAlertFailure(this.context, { claim, error: reason, retryAt });
      if (!outcome) {
        log.warn({ ...fields, outcome: 'failed', error: reason }, 'alert.claim_lost');
        return;
      }
      applyChanges(outcome.changes, { feed, log });
    } catch (recordError) {
      // The lease runs out and the alert is claimed again: nothing is lost.
      log.error({ ...fields, err: recordError }, 'could not record a failed delivery');
    }
    log[retryAt ? 'warn' : 'error']({ ...fields, error: reason, retry_at: retryAt }, retryAt ? 'alert.retry' : 'alert.failed');
  }

  private async deliver(claim: ClaimedAlert): Promise<void> {
    const { alert } = claim;
    const fields = {
      alert_id: alert.id,
      kind: alert.kind,
      service: alert.service,
      channel: alert.channel,
      channel_name: alert.channelName ?? undefined,
      attempt: alert.attempts,
    };
    try {
      await this.send(alert);
    } catch (error) {
      await this.recordFailure(claim, error, fields);
      return;
    }
    this.options.metrics?.observeDelivery(alert, 'sent', this.options.clock.now());
    await this.recordSent(claim, fields);
  }

  /** Event alerts within their channel's rate; the others go back to the queue, due when it has room. */
  private async admitEvents(claims: ClaimedAlert[], now: Date): Promise<ClaimedAlert[]> {
    const { log } = this.options;
    const admitted: ClaimedAlert[] = [];
    const held = new Map<string, ClaimedAlert[]>();
    for (const claim of claims) {
      const channel = claim.alert.channel;
      if (this.eventWindow.take(channel, now.getTime())) admitted.push(claim);
      else held.set(channel, [...(held.get(channel) ?? []), claim]);
    }
    for (const [channel, over] of held) {
      const until = this.eventWindow.freeAt(channel, now.getTime());
      try {
        const deferred = await deferEventAlerts(this.context, { channel, claims: over, until });
        log.warn({ channel, deferred, until, limit: this.eventRate.limit, window_ms: this.eventRate.windowMs }, 'alert.deferred');
      } catch (error) {
        // Still claimed: they come back when their lease runs out.
        log.error({ channel, err: error }, 'could not defer event alerts over the rate');
      }
    }
    return admitted;
  }

  private start(claim: ClaimedAlert): Promise<void> {
    const done = this.deliver(claim).finally(() => {
      this.inFlight.delete(claim.alert.id);
      this.options.background?.onSettled();
    });
    this.inFlight.set(claim.alert.id, { event: claim.alert.kind === 'event', done });
    return done;
  }

  async step(): Promise<StepResult> {
    const { clock, background } = this.options;
    const room = background ? MAX_IN_FLIGHT - this.inFlight.size : MAX_IN_FLIGHT;
    // A delivery that ends wakes the loop again: the claim waits for enough of them.
    if (room <= 0 || (background && this.inFlight.size > 0 && room < CLAIM_AT_LEAST)) return { didWork: false };
    const now = clock.now();
    const exclude = [...this.inFlight.keys()];
    // Deaths and recoveries first; event alerts only with the room they leave.
    const lease = { leaseMs: DELIVERY_LEASE_MS, exclude };
    const urgent = await claimDueAlerts(this.context, { ...lease, limit: room, events: false });
    const eventsInFlight = [...this.inFlight.values()].filter((entry) => entry.event).length;
    const deliveries = urgent.map((claim) => this.start(claim));
    const eventRoom = Math.min(room - urgent.length, MAX_EVENTS_IN_FLIGHT - eventsInFlight);
    const events = eventRoom > 0 ? await claimDueAlerts(this.context, { ...lease, limit: eventRoom, events: true }) : [];
    deliveries.push(...(await this.admitEvents(events, now)).map((claim) => this.start(claim)));
    if (urgent.length === 0 && events.length === 0) {
      // With no room for event alerts, their due times are no reason to wake: a settled one wakes the loop.
      const wakeAt = await nextAlertDue(this.context, { events: eventRoom > 0 ? undefined : false, exclude: [...this.inFlight.keys()] });
      return { didWork: false, wakeAt };
    }
    if (!background) await Promise.all(deliveries);
    return { didWork: true };
  }

  async drain(): Promise<void> {
    await Promise.all([...this.inFlight.values()].map((entry) => entry.done));
  }
}

/**
 * One step of the sender: claims due alerts and delivers them. With `background`, a step
 * starts deliveries without waiting for them (a slow provider holds up no other alert) and
 * `onSettled` is called as each ends; without it, a step waits for its deliveries.
 */
export function createSendStep(options: SenderOptions): SendStep {
  const sender = new Sender(options);
  return Object.assign(() => sender.step(), { drain: () => sender.drain() });
}
