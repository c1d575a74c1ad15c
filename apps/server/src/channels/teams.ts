import { formatIsoTime, LEVELS } from '@watchtower/protocol';
import type { AlertRow } from '../db/schema.js';
import type { ChannelKind } from './channel.js';
import { createDeliveryError, postOrThrow } from './http-post.js';
import { escapeFor, type Markup } from './markup.js';
import type { RenderedAlert } from './render-alert.js';
import { checkSettingUrl, urlOfSetting } from './setting-url.js';

export interface TeamsSettings {
  /** An incoming-webhook or Power Automate Workflows URL. */
  url: string;
}

/** Adaptive Cards' text blocks read a subset of Markdown: values are escaped for it. */
export const teamsMarkup: Markup = 'markdown';

type CardColour = 'attention' | 'good' | 'warning' | 'default';

function colourOf(alert: AlertRow): CardColour {
  switch (alert.kind) {
    case 'down':
    case 'failed':
    case 'reminder':
      return 'attention';
    case 'recovered':
      return 'good';
    case 'late':
      return 'warning';
    case 'event': {
      const level = Number((alert.details as { level?: unknown }).level);
      return level >= LEVELS.error ? 'attention' : level >= LEVELS.warning ? 'warning' : 'default';
    }
  }
}

/** The card's title and body in its Markdown: a template's as written, otherwise the built-in ones escaped. */
function wordsOf(message: RenderedAlert): { title: string; body: string } {
  // A single line break is not a new line in a card's Markdown; a blank line is.
  if (message.templated) return { title: message.templated.title, body: message.templated.body.replace(/\r?\n/g, '\n\n') };
  const body = message.text
    .split('\n')
    .map((line) => escapeFor(teamsMarkup, line))
    .join('\n\n');
  return { title: escapeFor(teamsMarkup, message.title), body };
}

/** The message an incoming webhook or a Workflows trigger takes: one Adaptive Card as its attachment. */
export function teamsCard(alert: AlertRow, message: RenderedAlert): Record<string, unknown> {
  const { title, body } = wordsOf(message);
  const status = String(message.payload.status ?? alert.kind);
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          msteams: { width: 'Full' },
          body: [
            { type: 'TextBlock', text: title, size: 'Medium', weight: 'Bolder', color: colourOf(alert), wrap: true },
            { type: 'TextBlock', text: body, wrap: true },
            {
              type: 'FactSet',
              facts: [
                { title: 'Service', value: escapeFor(teamsMarkup, alert.service) },
                { title: 'Status', value: escapeFor(teamsMarkup, status) },
                { title: 'Time', value: formatIsoTime(alert.createdAt) },
              ],
            },
          ],
        },
      },
    ],
  };
}

// The retired Office 365 connectors answer 200 and tell a refusal in words.
const CONNECTOR_REFUSAL = /^(Webhook message delivery failed|Microsoft Teams endpoint returned HTTP error)/i;

/**
 * Microsoft Teams: POST an Adaptive Card to an incoming-webhook or Workflows URL. Workflows
 * answer 202; the older connectors answer 200 even when they refuse, with the reason as text.
 */
export const teamsKind: ChannelKind<TeamsSettings> = {
  type: 'teams',
  checkSettings: (settings, context) => checkSettingUrl('url', settings.url, context),
  deliver: async ({ alert, message, settings }, context) => {
    const answer = await postOrThrow(
      urlOfSetting('teams', 'url', settings.url),
      { body: JSON.stringify(teamsCard(alert, message)), headers: { 'content-type': 'application/json' } },
      context,
    );
    if (CONNECTOR_REFUSAL.test(answer.body)) throw createDeliveryError(`Teams did not post the card: ${answer.body}`);
    return answer;
  },
};
