import type { Channel, ChannelKind, DeliveryContext, ProviderAnswer } from './channel.js';
import { unixSeconds } from '../domain/views.js';
import { postOrThrow } from './http-post.js';
import type { Config } from '../config.js';
import type { AlertRow } from '../db/schema.js';
import type { RenderedAlert } from './render-alert.js';

const USER_KEY = /^[A-Za-z0-9]{30}$/;

/** POST {apiUrl}/1/messages.json with an app token and a user key. */
function sendPushover(
  { apiUrl, token, user }: { apiUrl: string; token: string; user: string },
  alert: AlertRow,
  message: RenderedAlert,
  context: DeliveryContext,
): Promise<ProviderAnswer> {
  return postOrThrow(
    new URL('/1/messages.json', apiUrl),
    {
      body: JSON.stringify({
        token,
        user,
        title: message.templated?.title ?? message.title,
        message: message.templated?.body ?? message.text,
        // A death is urgent; a recovery or an event is not.
        priority: alert.kind === 'down' || alert.kind === 'failed' || alert.kind === 'reminder' ? 1 : 0,
        timestamp: Math.floor(unixSeconds(alert.createdAt)),
      }),
      headers: { 'content-type': 'application/json' },
    },
    context,
  );
}

/** Pushover: the server's app token and the user key in the target. */
export function pushoverChannel(config: Config): Channel {
  const { token, apiUrl } = config.alerts.pushover;
  return {
    name: 'pushover',
    missingConfig: () => (token ? null : 'the pushover channel needs an app token: set PUSHOVER_TOKEN'),
    checkTarget: async (target) =>
      USER_KEY.test(target) ? null : 'a pushover alertTarget must be a user or group key: 30 letters and digits',
    deliver: async (alert, message, context) => {
      await sendPushover({ apiUrl, token: token!, user: alert.target }, alert, message, context);
    },
  };
}

/** A named Pushover channel: its user key, and its own app token or the server's. */
export function pushoverKind(config: Config): ChannelKind<{ user: string; token?: string }> {
  const { token: serverToken, apiUrl } = config.alerts.pushover;
  return {
    type: 'pushover',
    checkSettings: async (settings) =>
      settings.token || serverToken ? null : 'a pushover channel needs an app token: give token, or set PUSHOVER_TOKEN on the server',
    deliver: ({ alert, message, settings }, context) =>
      sendPushover({ apiUrl, token: settings.token ?? serverToken!, user: settings.user }, alert, message, context),
  };
}
