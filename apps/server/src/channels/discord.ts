import type { AlertTone } from './alert-tone.js';
import { toneOf } from './alert-tone.js';
import type { ChannelKind } from './channel.js';
import { clip, escapeWithin } from './fit-text.js';
import { postOrThrow } from './http-post.js';
import type { Markup } from './markup.js';
import { checkSettingUrl } from './setting-url.js';

export interface DiscordSettings {
  /** The channel's webhook URL: https://discord.com/api/webhooks/ID/TOKEN. */
  url: string;
}

/** How a template for this channel writes: Discord's Markdown. */
export const discordMarkup: Markup = 'discord';

const EXAMPLE = 'https://discord.com/api/webhooks/123456789012345678/abc…';
const WEBHOOK_PATH = /\/webhooks\/\d+\/[\w-]+\/?$/;
// Discord's limits for an embed's title and description.
const MAX_TITLE = 256;
const MAX_DESCRIPTION = 4096;

/** The embed's left border: red for a death, amber when late, green for a recovery. */
export const DISCORD_COLOURS: Record<AlertTone, number> = {
  bad: 0xd93f3f,
  warning: 0xf0a020,
  good: 0x2ea043,
  info: 0x3b82f6,
};

/** Discord: POST one embed to the webhook URL; mentions are switched off, so nothing pings. */
export const discordKind: ChannelKind<DiscordSettings> = {
  type: 'discord',
  checkSettings: async (settings, context) => {
    const problem = await checkSettingUrl('url', settings.url, context, EXAMPLE);
    if (problem) return problem;
    if (!WEBHOOK_PATH.test(new URL(settings.url).pathname)) {
      return `url must be a Discord webhook URL, ending in /webhooks/ID/TOKEN, such as ${EXAMPLE}`;
    }
    return null;
  },
  deliver: ({ alert, message, settings }, context) => {
    const { templated } = message;
    const embed = {
      title: templated ? clip(templated.title, MAX_TITLE) : escapeWithin('discord', message.title, MAX_TITLE),
      description: templated ? clip(templated.body, MAX_DESCRIPTION) : escapeWithin('discord', message.text, MAX_DESCRIPTION),
      color: DISCORD_COLOURS[toneOf(alert)],
      timestamp: alert.createdAt.toISOString(),
      footer: { text: 'watchtower' },
    };
    return postOrThrow(
      new URL(settings.url),
      {
        body: JSON.stringify({ embeds: [embed], allowed_mentions: { parse: [] } }),
        headers: { 'content-type': 'application/json' },
      },
      context,
    );
  },
};
