import type { AlertRow } from '../db/schema.js';
import type { Logger } from '../lib/logger.js';
import type { ConnectionPool } from './http-post.js';
import type { ConnectionPolicy } from './private-address.js';
import type { RenderedAlert } from './render-alert.js';

/** What a channel needs to deliver, beyond the alert itself. */
export interface DeliveryContext {
  log: Logger;
  /** Gives up on a provider that does not answer in time. */
  timeoutMs: number;
  /** Refuses (at pulse time) targets that do not resolve or resolve to private addresses, unless allowed by config. */
  checkAddress: (url: URL) => Promise<void>;
  /** How deliveries resolve names; each connection's address is checked as it is made. */
  connections: ConnectionPolicy;
  /** Connections kept open between deliveries to the same origin; without it, each delivery opens its own. */
  pool?: ConnectionPool;
}

/** One way of telling a person: Pushover, e-mail, a webhook, Slack, a log line. */
export interface Channel {
  readonly name: string;
  /** What the configuration lacks for this channel to deliver, or null when it has all. */
  missingConfig(): string | null;
  /** Why a target is unusable for this channel, or null when it is fine. */
  checkTarget(target: string, context: Pick<DeliveryContext, 'checkAddress'>): Promise<string | null>;
  /** Sends the alert; throws when the provider did not take it. */
  deliver(alert: AlertRow, message: RenderedAlert, context: DeliveryContext): Promise<void>;
}

/** A provider's refusal or a network failure, kept as the alert's last error. */
export class DeliveryError extends Error {
  override name = 'DeliveryError';

  /** `permanent`: the provider refused in a way no retry can fix (a wrong key, a deleted webhook). */
  constructor(
    message: string,
    readonly options: { permanent?: boolean } = {},
  ) {
    super(message);
  }

  get permanent(): boolean {
    return this.options.permanent === true;
  }
}

/** What a provider answered to a delivery: its HTTP status (or an SMTP reply code) and the start of its words, from a public address only. */
export interface ProviderAnswer {
  status: number;
  body: string;
}

/**
 * A channel type driven by settings, as a named channel (`PUT /channels/:name`) defines
 * it: smtp, ntfy, discord… Each type lives in its own file. The settings are the protocol's
 * (`packages/protocol/src/channels.ts`), secrets included; `deliver` renders nothing itself
 * beyond the provider's format: the title and lines come in `message`.
 */
export interface ChannelKind<Settings = Record<string, unknown>> {
  readonly type: string;
  /** Why these settings cannot deliver on this server (a private URL, a missing server-wide key), or null. Checked when the channel is saved. */
  checkSettings(settings: Settings, context: Pick<DeliveryContext, 'checkAddress'>): Promise<string | null>;
  /** Sends the alert; throws a DeliveryError when the provider did not take it. */
  deliver(delivery: { alert: AlertRow; message: RenderedAlert; settings: Settings }, context: DeliveryContext): Promise<ProviderAnswer>;
}
