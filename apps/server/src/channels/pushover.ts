import type { Channel } from './channel.js';
import { unixSeconds } from '../domain/views.js';
import { postOrThrow } from './http-post.js';
import type { Config } from '../config.js';

const USER_KEY = /^[A-Za-z0-9]{30}$/;

/** Pushover: POST {apiUrl}/1/messages.json with the app token and the user key (the target). */
export function pushoverChannel(config: Config): Channel {
  const { token, apiUrl } = config.alerts.pushover;
  return {
    name: 'pushover',
    missingConfig: () => (token ? null : 'the pushover channel needs an app token: set PUSHOVER_TOKEN'),
    checkTarget: async (target) =>
      USER_KEY.test(target) ? null : 'a pushover alertTarget must be a user or group key: 30 letters and digits',
    deliver: async (alert, message, context) => {
      await postOrThrow(
        new URL('/1/messages.json', apiUrl),
        {
          body: JSON.stringify({
            token,
            user: alert.target,
            title: message.title,
            message: message.text,
            // A death is urgent; a recovery or an event is not.
            priority: alert.kind === 'down' || alert.kind === 'failed' || alert.kind === 'reminder' ? 1 : 0,
            timestamp: Math.floor(unixSeconds(alert.createdAt)),
          }),
          headers: { 'content-type': 'application/json' },
        },
        context,
      );
    },
  };
}
