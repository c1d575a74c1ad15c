import type { ChannelKind } from './channel.js';
import { clip, escapeWithin } from './fit-text.js';
import { postOrThrow } from './http-post.js';
import type { Markup } from './markup.js';
import type { RenderedAlert } from './render-alert.js';
import { checkSettingUrl, urlBelow } from './setting-url.js';

export interface TelegramSettings {
  /** The bot's token from @BotFather: `123456789:AA…`. */
  token: string;
  /** The chat to write to: a number (negative for groups and channels) or a public `@channelname`. */
  chatId: string | number;
  /** The Bot API's address; Telegram's own by default. */
  apiUrl?: string;
}

/** How a template for this channel writes: Telegram's MarkdownV2. */
export const telegramMarkup: Markup = 'telegram';

export const TELEGRAM_API_URL = 'https://api.telegram.org';

const BOT_TOKEN = /^\d{1,20}:[A-Za-z0-9_-]{30,}$/;
const CHAT_ID = /^(-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{3,31})$/;
// Telegram's limit for a message's text, after entities are parsed; the escapes count here too, so this is safe.
const MAX_TEXT = 4096;

function problemWithChatId(chatId: unknown): string | null {
  if ((typeof chatId === 'number' && Number.isSafeInteger(chatId)) || (typeof chatId === 'string' && CHAT_ID.test(chatId))) return null;
  return 'chatId must be a chat number (such as -1001234567890) or a public channel name (such as @ops_alerts)';
}

/** The text in MarkdownV2: the title in bold, then the lines, every value escaped. */
function textOf(message: RenderedAlert): string {
  if (message.templated) return clip(`*${message.templated.title}*\n${message.templated.body}`, MAX_TEXT);
  const title = `*${escapeWithin('telegram', message.title, 300)}*`;
  return `${title}\n${escapeWithin('telegram', message.text, MAX_TEXT - Array.from(title).length - 1)}`;
}

/**
 * Telegram: POST {apiUrl}/bot<token>/sendMessage. Telegram answers a flood with 429 and
 * `retry_after`: worth a retry, as every 429 is; a wrong token (401), an unknown chat (400)
 * or a bot blocked by the chat (403) are not.
 */
export const telegramKind: ChannelKind<TelegramSettings> = {
  type: 'telegram',
  checkSettings: async (settings, context) => {
    if (typeof settings.token !== 'string' || !BOT_TOKEN.test(settings.token)) {
      return 'token must be a bot token from @BotFather: digits, a colon and at least 30 letters, digits, - or _ (such as 123456789:AAE…)';
    }
    const chatProblem = problemWithChatId(settings.chatId);
    if (chatProblem) return chatProblem;
    if (settings.apiUrl === undefined) return null;
    return checkSettingUrl('apiUrl', settings.apiUrl, context, TELEGRAM_API_URL);
  },
  deliver: ({ message, settings }, context) =>
    postOrThrow(
      urlBelow('telegram', 'apiUrl', settings.apiUrl ?? TELEGRAM_API_URL, `bot${settings.token}/sendMessage`),
      {
        body: JSON.stringify({
          chat_id: settings.chatId,
          text: textOf(message),
          parse_mode: 'MarkdownV2',
          disable_web_page_preview: true,
        }),
        headers: { 'content-type': 'application/json' },
      },
      context,
    ),
};
