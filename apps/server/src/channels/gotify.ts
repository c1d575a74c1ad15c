import { type AlertTone, toneOf } from './alert-tone.js';
import type { ChannelKind } from './channel.js';
import { postOrThrow } from './http-post.js';
import type { Markup } from './markup.js';
import { checkSecret, checkSettingUrl, urlBelow } from './setting-url.js';

export interface GotifySettings {
  /** The Gotify server: https://gotify.example.com (a path below it is kept). */
  url: string;
  /** An application's token (it starts with A); a client's token cannot send. */
  token: string;
}

/** How a template for this channel writes: plain text, as Gotify's apps show it by default. */
export const gotifyMarkup: Markup = 'plain';

const EXAMPLE = 'https://gotify.example.com';
// Gotify makes client tokens of "C" and 14 characters; they read messages but cannot send them.
const CLIENT_TOKEN = /^C[A-Za-z0-9._-]{14}$/;

/** Gotify's Android app pops up 8 and above, rings for 4 to 7, stays quiet below. */
export const GOTIFY_PRIORITIES: Record<AlertTone, number> = { bad: 8, warning: 5, good: 4, info: 4 };

/** Gotify: POST {url}/message with the application token in X-Gotify-Key. */
export const gotifyKind: ChannelKind<GotifySettings> = {
  type: 'gotify',
  checkSettings: async (settings, context) => {
    const problem = (await checkSettingUrl('url', settings.url, context, EXAMPLE)) ?? checkSecret('token', settings.token);
    if (problem) return problem;
    const url = new URL(settings.url);
    if (url.search || url.hash) return `url must be the server's address, without a query, such as ${EXAMPLE}`;
    if (CLIENT_TOKEN.test(settings.token)) {
      return "token looks like a client's token (it starts with C): messages need an application's token, which starts with A";
    }
    return null;
  },
  deliver: ({ alert, message, settings }, context) =>
    postOrThrow(
      urlBelow('gotify', 'url', settings.url, 'message'),
      {
        body: JSON.stringify({
          title: message.templated?.title ?? message.title,
          message: message.templated?.body ?? message.text,
          priority: GOTIFY_PRIORITIES[toneOf(alert)],
          extras: { 'client::display': { contentType: 'text/plain' } },
        }),
        headers: { 'content-type': 'application/json', 'x-gotify-key': settings.token },
      },
      context,
    ),
};
