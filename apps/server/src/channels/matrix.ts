import type { AlertRow } from '../db/schema.js';
import type { ChannelKind } from './channel.js';
import { postOrThrow } from './http-post.js';
import { escapeFor, type Markup } from './markup.js';
import type { RenderedAlert } from './render-alert.js';
import { checkSettingText, checkSettingUrl, urlOfSetting } from './setting-url.js';

export interface MatrixSettings {
  /** The homeserver's base URL, e.g. https://matrix.example.org. */
  homeserver: string;
  /** The room's ID (`!abc:example.org`), which the token's user has joined. */
  room: string;
  /** An access token of the user that posts. */
  token: string;
}

/** Matrix messages carry HTML (org.matrix.custom.html) beside a plain body. */
export const matrixMarkup: Markup = 'html';

const ROOM_ID = /^![^:\s]+:\S+$/;

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** The text a person reads in HTML: line breaks kept, tags dropped, entities decoded. */
export function textOfHtml(html: string): string {
  return html
    .replace(/<br\s*\/?>|<\/(p|div|li|h[1-6])>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, name: string) => {
      if (name[0] !== '#') return ENTITIES[name.toLowerCase()] ?? entity;
      const code = name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
    })
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** The event's content: a plain body (what notifications and plain clients show) and its HTML. */
export function matrixContent(message: RenderedAlert): Record<string, unknown> {
  const { templated } = message;
  const html = templated
    ? `<strong>${templated.title}</strong><br>${templated.body.replace(/\r?\n/g, '<br>')}`
    : `<strong>${escapeFor(matrixMarkup, message.title)}</strong><br>${message.text
        .split('\n')
        .map((line) => escapeFor(matrixMarkup, line))
        .join('<br>')}`;
  const body = templated ? `${textOfHtml(templated.title)}\n${textOfHtml(templated.body)}` : `${message.title}\n${message.text}`;
  return {
    // m.text, not m.notice: clients' default push rules keep notices silent, and an alert must be heard.
    msgtype: 'm.text',
    body,
    format: 'org.matrix.custom.html',
    formatted_body: html,
    // Mentions are only those listed here (none): an "@room" in a service name notifies no one.
    'm.mentions': {},
  };
}

/** The transaction ID of an alert's message: the same on every retry, so the homeserver posts it once. */
export const matrixTransactionId = (alert: AlertRow) => `watchtower-${alert.id}`;

/**
 * Matrix: PUT the message into the room through the client-server API, as the token's user.
 * The homeserver keeps one event per transaction ID and access token: a retry after a lost
 * answer gets the same event back instead of a second message.
 */
export const matrixKind: ChannelKind<MatrixSettings> = {
  type: 'matrix',
  checkSettings: async (settings, context) =>
    checkSettingText('room', settings.room, {
      test: ROOM_ID,
      says: "must be a room ID such as !abc123:example.org (an alias #room:example.org does not do: the ID is in the room's settings, under Advanced)",
    }) ??
    checkSettingText('token', settings.token) ??
    (await checkSettingUrl('homeserver', settings.homeserver, context)),
  deliver: async ({ alert, message, settings }, context) => {
    const base = urlOfSetting('matrix', 'homeserver', settings.homeserver, { asBase: true });
    const path = `_matrix/client/v3/rooms/${encodeURIComponent(settings.room)}/send/m.room.message/${encodeURIComponent(matrixTransactionId(alert))}`;
    return postOrThrow(
      new URL(path, base),
      {
        method: 'PUT',
        body: JSON.stringify(matrixContent(message)),
        headers: { 'content-type': 'application/json', authorization: `Bearer ${settings.token}` },
      },
      context,
    );
  },
};
