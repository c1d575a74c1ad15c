import type { AlertRow, ChannelRow } from '../db/schema.js';
import { DeliveryError, type DeliveryContext, type ProviderAnswer } from './channel.js';
import { applyChannelTemplate } from './channel-templates.js';
import type { ChannelRegistry } from './registry.js';
import { renderAlert } from './render-alert.js';

/**
 * Delivers an alert through a named channel, as it is now: its type's kind, its settings
 * with its secrets, its template for the alert's kind.
 */
export async function deliverThroughChannel(
  registry: Pick<ChannelRegistry, 'kind'>,
  channel: ChannelRow,
  alert: AlertRow,
  context: DeliveryContext,
): Promise<ProviderAnswer> {
  const kind = registry.kind(channel.type);
  if (!kind) throw new DeliveryError(`this server cannot deliver through ${channel.type} channels`, { permanent: true });
  const message = applyChannelTemplate(channel, alert, renderAlert(alert));
  return kind.deliver({ alert, message, settings: { ...channel.settings, ...channel.secrets } }, context);
}

/** A test alert for `POST /channels/:name/test`: an event alert, never stored, that says what it is. */
export function testAlert(channel: ChannelRow, id: string, now: Date): AlertRow {
  return {
    id,
    kind: 'event',
    service: 'watchtower',
    channel: channel.type,
    target: channel.name,
    channelName: channel.name,
    details: {
      level: 20,
      message: `A test message to the channel ${channel.name}: if you read this, watchtower's alerts reach you here.`,
      date: now.getTime() / 1000,
    },
    status: 'pending',
    attempts: 1,
    nextAttemptAt: now,
    lastError: null,
    claimToken: null,
    createdAt: now,
    sentAt: null,
  };
}
