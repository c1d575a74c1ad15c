import { createHmac } from 'node:crypto';
import type { Config } from '../config.js';
import type { Channel } from './channel.js';
import { postOrThrow } from './http-post.js';
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
