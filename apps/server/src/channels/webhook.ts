import { createHmac } from 'node:crypto';
import type { Config } from '../config.js';
import type { Channel, ChannelKind } from './channel.js';
import { postOrThrow } from './http-post.js';
import type { RenderedAlert } from './render-alert.js';
import type { AlertRow } from '../db/schema.js';
import { checkSettingUrl } from './setting-url.js';
import { checkWebUrl } from './web-url.js';

/** The signing key of a Standard Webhooks secret (`whsec_` + base64). */
export function webhookKey(secret: string): Buffer {
  return Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
}

/** `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, as the Standard Webhooks spec signs. */
export function signWebhook(key: Buffer, id: string, timestamp: number, body: string): string {
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

/**
 * Webhook: POST the alert as JSON to the target URL, signed per Standard Webhooks. The
 * alert id is the webhook id, the same on every retry, so receivers can drop duplicates.
 */
export function webhookChannel(config: Config): Channel {
  const secret = config.alerts.webhook.secret;
  const key = secret ? webhookKey(secret) : undefined;
  return {
    name: 'webhook',
    missingConfig: () => (key ? null : 'the webhook channel signs every call: set WATCHTOWER_WEBHOOK_SECRET (whsec_…)'),
    checkTarget: (target, context) => checkWebUrl('webhook', target, context),
    deliver: async (alert, message, context) => {
      const body = JSON.stringify(message.payload);
      const timestamp = Math.floor(Date.now() / 1000);
      await postOrThrow(
        new URL(alert.target),
        {
          body,
          headers: {
            'content-type': 'application/json',
            'webhook-id': alert.id,
            'webhook-timestamp': String(timestamp),
            'webhook-signature': signWebhook(key!, alert.id, timestamp, body),
          },
        },
        context,
      );
    },
  };
}

/** A named webhook channel's settings as stored: its URL, its secret, and during a rotation the one before. */
export interface WebhookKindSettings {
  url: string;
  secret: string;
  previousSecret?: string;
  /** Until when (epoch ms) the previous secret still signs. */
  previousUntil?: number;
}

/** What a named webhook receives: the Standard Webhooks envelope `{type, timestamp, data}`. */
export function webhookEnvelope(alert: AlertRow, message: RenderedAlert): Record<string, unknown> {
  const { type, ...data } = message.payload;
  const words = message.templated ? { title: message.templated.title, text: message.templated.body } : {};
  return { type, timestamp: alert.createdAt.toISOString(), data: { ...data, ...words } };
}

/**
 * A named webhook: the envelope, signed with the channel's own secret. While a rotated
 * secret still counts, both sign: `webhook-signature` carries two `v1,` entries, and a
 * receiver that knows either secret accepts the call.
 */
export const webhookKind: ChannelKind<WebhookKindSettings> = {
  type: 'webhook',
  checkSettings: (settings, context) => checkSettingUrl('url', settings.url, context),
  deliver: async ({ alert, message, settings }, context) => {
    const body = JSON.stringify(webhookEnvelope(alert, message));
    const timestamp = Math.floor(Date.now() / 1000);
    const secrets = [settings.secret];
    if (settings.previousSecret && (settings.previousUntil ?? 0) > Date.now()) secrets.push(settings.previousSecret);
    const signature = secrets.map((secret) => signWebhook(webhookKey(secret), alert.id, timestamp, body)).join(' ');
    return postOrThrow(
      new URL(settings.url),
      {
        body,
        headers: {
          'content-type': 'application/json',
          'webhook-id': alert.id,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': signature,
        },
      },
      context,
    );
  },
};
