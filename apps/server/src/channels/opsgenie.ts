import { LEVELS } from '@watchtower/protocol';
import type { AlertRow } from '../db/schema.js';
import type { ChannelKind, DeliveryContext, ProviderAnswer } from './channel.js';
import { excerptOf, postOrThrow } from './http-post.js';
import type { Markup } from './markup.js';
import type { RenderedAlert } from './render-alert.js';
import { checkSettingText, checkSettingUrl, urlOfSetting } from './setting-url.js';
import { templateValues } from './templates.js';

export interface OpsgenieSettings {
  /** The API key of an API integration (sent as `GenieKey`). */
  apiKey: string;
  /** Opsgenie's API: https://api.opsgenie.com when absent, https://api.eu.opsgenie.com for the EU. */
  apiUrl?: string;
}

export const DEFAULT_OPSGENIE_API_URL = 'https://api.opsgenie.com';

/** Opsgenie's message and description are plain text. */
export const opsgenieMarkup: Markup = 'plain';

const MAX_MESSAGE_CHARS = 130;
const MAX_DESCRIPTION_CHARS = 15_000;

type Priority = 'P1' | 'P2' | 'P3' | 'P4' | 'P5';

/** The alert a death opens and its recovery closes: one per service. */
export const opsgenieAlias = (service: string) => `watchtower:${service}`;
/** A late notice's own alert, apart from the death's: Opsgenie would fold a P1 into an open P3 of the same alias. */
export const opsgenieLateAlias = (service: string) => `watchtower:${service}:late`;

function eventPriority(alert: AlertRow): Priority {
  const level = Number((alert.details as { level?: unknown }).level);
  if (level >= LEVELS.critical) return 'P1';
  if (level >= LEVELS.error) return 'P2';
  if (level >= LEVELS.warning) return 'P3';
  return level >= LEVELS.info ? 'P4' : 'P5';
}

function aliasAndPriority(alert: AlertRow): { alias: string; priority: Priority } {
  switch (alert.kind) {
    case 'late':
      return { alias: opsgenieLateAlias(alert.service), priority: 'P3' };
    case 'event':
      return { alias: `watchtower:event:${alert.id}`, priority: eventPriority(alert) };
    default:
      // down, failed, and a reminder, which Opsgenie counts on the open alert of the same alias.
      return { alias: opsgenieAlias(alert.service), priority: 'P1' };
  }
}

/** The body of `POST /v2/alerts` for an alert. */
export function opsgenieAlert(alert: AlertRow, message: RenderedAlert): Record<string, unknown> {
  const { alias, priority } = aliasAndPriority(alert);
  const { title: _title, text: _text, ...values } = templateValues(message, alert);
  const description = Array.from(message.templated?.body ?? message.text);
  return {
    // A template whose values came out empty still gives Opsgenie the message it requires.
    message: excerptOf(message.templated?.title ?? '', MAX_MESSAGE_CHARS) || excerptOf(message.title, MAX_MESSAGE_CHARS),
    alias,
    description:
      description.length > MAX_DESCRIPTION_CHARS ? `${description.slice(0, MAX_DESCRIPTION_CHARS - 1).join('')}…` : description.join(''),
    priority,
    tags: ['watchtower', alert.kind],
    source: 'watchtower',
    entity: alert.service,
    details: { ...Object.fromEntries(Object.entries(values).filter(([, value]) => value !== '')), alertId: alert.id },
  };
}

function call(url: URL, apiKey: string, body: Record<string, unknown>, context: DeliveryContext): Promise<ProviderAnswer> {
  return postOrThrow(
    url,
    { body: JSON.stringify(body), headers: { 'content-type': 'application/json', authorization: `GenieKey ${apiKey}` } },
    context,
  );
}

/**
 * Opsgenie (Alert API v2). A death (down, failed) creates the service's alert, P1; a reminder
 * creates it again, which Opsgenie counts on the open one; the recovery closes it by alias,
 * and the late notice's alert too. A late notice is a P3 alert of its own, which a pulse in
 * time does not close (no alert says so). An event alert is an alert of its own. Opsgenie
 * answers 202 and processes the request afterwards.
 */
export const opsgenieKind: ChannelKind<OpsgenieSettings> = {
  type: 'opsgenie',
  checkSettings: async (settings, context) =>
    checkSettingText('apiKey', settings.apiKey, { test: /^\S+$/, says: 'must be an API key, without spaces' }) ??
    (settings.apiUrl === undefined || settings.apiUrl === '' ? null : await checkSettingUrl('apiUrl', settings.apiUrl, context)),
  deliver: async ({ alert, message, settings }, context) => {
    const base = urlOfSetting('opsgenie', 'apiUrl', settings.apiUrl || DEFAULT_OPSGENIE_API_URL, { asBase: true });
    if (alert.kind !== 'recovered') return call(new URL('v2/alerts', base), settings.apiKey, opsgenieAlert(alert, message), context);
    const close = (alias: string) =>
      call(
        new URL(`v2/alerts/${encodeURIComponent(alias)}/close?identifierType=alias`, base),
        settings.apiKey,
        {
          source: 'watchtower',
          note: excerptOf(message.templated?.title ?? '', MAX_DESCRIPTION_CHARS) || excerptOf(message.title, MAX_DESCRIPTION_CHARS),
        },
        context,
      );
    const answer = await close(opsgenieAlias(alert.service));
    // Closing is idempotent: a retry after the second call failed closes the first again, harmlessly.
    await close(opsgenieLateAlias(alert.service));
    return answer;
  },
};
