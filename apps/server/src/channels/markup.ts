/**
 * How text is made literal in each provider's markup, so that a service name or a message
 * can never turn into formatting, a link or a mention. A template's own markup is kept; only
 * the values put into it pass through these.
 */
export type Markup = 'plain' | 'html' | 'slack' | 'discord' | 'telegram' | 'markdown';

const HTML_SPECIAL = /[&<>"']/g;
// Slack's mrkdwn treats only these three as control characters; the rest is shown as sent.
const SLACK_SPECIAL = /[&<>]/g;
const SLACK_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };
// Characters that start formatting in Discord's and in common Markdown (CommonMark's ASCII punctuation).
const MARKDOWN_SPECIAL = /[\\`*_{}[\]()<>#+\-.!|~]/g;
// Telegram's MarkdownV2 asks for every one of these to be escaped outside entities.
const TELEGRAM_SPECIAL = /[\\_*[\]()~`>#+\-=|{}.!]/g;

/** `text` shown literally in the given markup. */
export function escapeFor(markup: Markup, text: string): string {
  switch (markup) {
    case 'plain':
      return text;
    case 'html':
      return text.replace(HTML_SPECIAL, (char) => `&#${char.charCodeAt(0)};`);
    case 'slack':
      return text.replace(SLACK_SPECIAL, (char) => SLACK_ENTITIES[char]!);
    case 'discord':
      // A backslash shows the next character as itself; "@" is broken by a zero-width space so that @everyone pings no one.
      return text.replace(MARKDOWN_SPECIAL, '\\$&').replace(/@/g, '@\u200b');
    case 'markdown':
      return text.replace(MARKDOWN_SPECIAL, '\\$&');
    case 'telegram':
      return text.replace(TELEGRAM_SPECIAL, '\\$&');
  }
}
