import type { Channel } from './channel.js';
import { postOrThrow } from './http-post.js';
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
