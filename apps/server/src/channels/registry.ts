import { ALERT_TYPES } from '@watchtower/protocol';
import type { Config } from '../config.js';
import type { Logger } from '../lib/logger.js';
import type { Channel, ChannelKind, DeliveryContext } from './channel.js';
import { discordKind } from './discord.js';
import { emailChannel, emailKind } from './email.js';
import { gotifyKind } from './gotify.js';
import { matrixKind } from './matrix.js';
import { ntfyKind } from './ntfy.js';
import { opsgenieKind } from './opsgenie.js';
import { pagerdutyKind } from './pagerduty.js';
import { smtpKind } from './smtp.js';
import { teamsKind } from './teams.js';
import { telegramKind } from './telegram.js';
import { logChannel, logKind } from './log.js';
import { pushoverChannel, pushoverKind } from './pushover.js';
import { slackChannel, slackKind } from './slack.js';
import { webhookChannel, webhookKind } from './webhook.js';
import { createConnectionPool } from './http-post.js';
import { classifyAddress, resolveTarget, resolveWithSystem, UnusableHost, type AddressClass, type ResolveHost } from './private-address.js';

/** The channel types of the provider files, each driven by a named channel's settings. */
// biome-ignore lint/suspicious/noExplicitAny: each kind takes its own settings type; the registry hands it the stored ones.
export const PROVIDER_KINDS: ReadonlyArray<ChannelKind<any>> = [
  smtpKind,
  ntfyKind,
  gotifyKind,
  discordKind,
  telegramKind,
  teamsKind,
  matrixKind,
  pagerdutyKind,
  opsgenieKind,
];

/** Every channel type this server delivers through, by type. */
export function createChannelKinds(config: Config): ReadonlyMap<string, ChannelKind> {
  // biome-ignore lint/suspicious/noExplicitAny: as above.
  const kinds: Array<ChannelKind<any>> = [...PROVIDER_KINDS, webhookKind, slackKind, logKind, pushoverKind(config), emailKind(config)];
  return new Map(kinds.map((kind) => [kind.type, kind as ChannelKind]));
}

export interface ChannelRegistry {
  /** A classic channel (alertType), by name. */
  get(name: string): Channel | undefined;
  /** A named channel's type, by type. */
  kind(type: string): ChannelKind | undefined;
  /** Why a named channel of this type and settings cannot deliver on this server, or null. */
  problemWithSettings(type: string, settings: Record<string, unknown>): Promise<string | null>;
  /** Why a heartbeat or event may not alert through this channel and target, or null. */
  problemWith(type: string, target: string): Promise<string | null>;
  readonly context: DeliveryContext;
  /** Closes the connections kept open between deliveries, once those under way have ended. */
  close(): Promise<void>;
}

const ADDRESS_CACHE_MS = 60_000;

export interface ChannelRegistryOptions {
  /** Gives up on a provider that does not answer in time. */
  timeoutMs?: number;
  /** How host names are resolved, at pulse time and for every connection; the system resolver by default. */
  resolveHost?: ResolveHost;
  /** Which addresses count as public; classifyAddress by default. */
  classify?: (address: string) => AddressClass;
}

/** How long a pulse waits for the look-up of its alert target. */
const LOOKUP_TIME_MS = 2_000;

function withinLookupTime(resolve: ResolveHost): ResolveHost {
  return (host) =>
    new Promise((done, fail) => {
      const timer = setTimeout(() => fail(Object.assign(new Error('the look-up timed out'), { code: 'ETIMEOUT' })), LOOKUP_TIME_MS);
      resolve(host).then(
        (addresses) => {
          clearTimeout(timer);
          done(addresses);
        },
        (error: unknown) => {
          clearTimeout(timer);
          fail(error);
        },
      );
    });
}

export function createChannelRegistry(
  config: Config,
  log: Logger,
  { timeoutMs = 10_000, resolveHost = resolveWithSystem, classify = classifyAddress }: ChannelRegistryOptions = {},
): ChannelRegistry {
  const channels = new Map<string, Channel>(
    [logChannel, pushoverChannel(config), emailChannel(config), emailChannel(config, 'mail'), webhookChannel(config), slackChannel].map(
      (channel) => [channel.name, channel],
    ),
  );
  const kinds = createChannelKinds(config);
  const allowPrivateTargets = config.alerts.allowPrivateTargets;
  // Pulses repeat the same targets: remember each name's addresses for a minute. A failed
  // look-up is never remembered, and deliveries resolve again as they connect.
  const resolved = new Map<string, { addresses: string[]; until: number }>();
  const resolveRemembered: ResolveHost = async (host) => {
    const now = Date.now();
    const known = resolved.get(host);
    if (known && known.until >= now) return known.addresses;
    const addresses = await resolveHost(host);
    if (resolved.size >= 10_000) resolved.clear();
    resolved.set(host, { addresses, until: now + ADDRESS_CACHE_MS });
    return addresses;
  };
  const checkAddress = async (url: URL) => {
    if (allowPrivateTargets) return;
    const host = url.hostname.replace(/^\[|\]$/g, '');
    try {
      await resolveTarget(host, { resolveHost: withinLookupTime(resolveRemembered), allowPrivateTargets, classify });
    } catch (error) {
      // A DNS server that does not answer now must not cost a pulse (a 4xx is never
      // retried): the target is taken, and each delivery checks the address it connects to.
      if (error instanceof UnusableHost && error.reason === 'lookup-failed') return;
      if (error instanceof UnusableHost && error.reason === 'private') {
        throw new Error(`${error.message}; set WATCHTOWER_ALLOW_PRIVATE_TARGETS=1 to allow such targets`);
      }
      throw new Error(`${(error as Error).message}: an alert target must be a name that resolves to a public address`);
    }
  };
  const connections = { resolveHost, allowPrivateTargets, classify };
  const pool = createConnectionPool(connections);
  const context: DeliveryContext = { log, timeoutMs, checkAddress, connections, pool };
  return {
    get: (name) => channels.get(name),
    kind: (type) => kinds.get(type),
    problemWithSettings: async (type, settings) => {
      const kind = kinds.get(type);
      if (!kind) return `this server cannot deliver through ${type} channels yet; it delivers through ${[...kinds.keys()].join(', ')}`;
      return kind.checkSettings(settings, context);
    },
    context,
    close: () => pool.close(),
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
