import { ALERT_TYPES } from '@watchtower/protocol';
import type { Config } from '../config.js';
import type { Logger } from '../lib/logger.js';
import type { Channel, DeliveryContext } from './channel.js';
import { emailChannel } from './channels/email.js';
import { logChannel } from './channels/log.js';
import { pushoverChannel } from './channels/pushover.js';
import { slackChannel } from './channels/slack.js';
import { webhookChannel } from './channels/webhook.js';
import { privateAddressesOf } from './private-address.js';

export interface ChannelRegistry {
  get(name: string): Channel | undefined;
  /** Why a heartbeat or event may not alert through this channel and target, or null. */
  problemWith(type: string, target: string): Promise<string | null>;
  readonly context: DeliveryContext;
}

const ADDRESS_CACHE_MS = 60_000;

export function createChannelRegistry(config: Config, log: Logger, timeoutMs = 10_000): ChannelRegistry {
  const channels = new Map<string, Channel>(
    [logChannel, pushoverChannel(config), emailChannel(config), emailChannel(config, 'mail'), webhookChannel(config), slackChannel].map(
      (channel) => [channel.name, channel],
    ),
  );
  // Pulses repeat the same targets: remember each host's verdict for a minute.
  const verdicts = new Map<string, { privateAddresses: string[]; until: number }>();
  const checkAddress = async (url: URL) => {
    if (config.alerts.allowPrivateTargets) return;
    const now = Date.now();
    let verdict = verdicts.get(url.hostname);
    if (!verdict || verdict.until < now) {
      verdict = { privateAddresses: await privateAddressesOf(url), until: now + ADDRESS_CACHE_MS };
      if (verdicts.size > 10_000) verdicts.clear();
      verdicts.set(url.hostname, verdict);
    }
    if (verdict.privateAddresses.length > 0) {
      throw new Error(
        `${url.hostname} is a loopback or private address (${verdict.privateAddresses.join(', ')}); ` +
          'set WATCHTOWER_ALLOW_PRIVATE_TARGETS=1 to allow such targets',
      );
    }
  };
  const context: DeliveryContext = { log, timeoutMs, checkAddress };
  return {
    get: (name) => channels.get(name),
    context,
    problemWith: async (type, target) => {
      const channel = channels.get(type);
      if (!channel) return `alertType must be one of ${ALERT_TYPES.join(', ')}; received ${JSON.stringify(type)}`;
      const missing = channel.missingConfig();
      if (missing) return `alertType ${type} cannot deliver on this server: ${missing}`;
      const bad = await channel.checkTarget(target, context);
      return bad ? `alertTarget: ${bad}` : null;
    },
  };
}
