import type { Channel, ChannelKind } from './channel.js';
import { postOrThrow } from './http-post.js';
import { escapeFor } from './markup.js';
import { checkSettingUrl } from './setting-url.js';
import { checkWebUrl } from './web-url.js';

/** Slack: POST {text} to the incoming-webhook URL in the target. */
export const slackChannel: Channel = {
  name: 'slack',
  missingConfig: () => null,
  checkTarget: (target, context) => checkWebUrl('slack', target, context),
  deliver: async (alert, message, context) => {
    await postOrThrow(
      new URL(alert.target),
      { body: JSON.stringify({ text: `*${message.title}*\n${message.text}` }), headers: { 'content-type': 'application/json' } },
      context,
    );
  },
};

/** A named Slack channel: the template's words as they are, or the alert's, made literal in mrkdwn. */
export const slackKind: ChannelKind<{ url: string }> = {
  type: 'slack',
  checkSettings: (settings, context) => checkSettingUrl('url', settings.url, context),
  deliver: async ({ message, settings }, context) => {
    const text = message.templated
      ? `*${message.templated.title}*\n${message.templated.body}`
      : `*${escapeFor('slack', message.title)}*\n${escapeFor('slack', message.text)}`;
    return postOrThrow(new URL(settings.url), { body: JSON.stringify({ text }), headers: { 'content-type': 'application/json' } }, context);
  },
};
