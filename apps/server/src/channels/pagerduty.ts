import { formatIsoTime, LEVELS } from '@watchtower/protocol';
import type { AlertRow } from '../db/schema.js';
import type { ChannelKind, DeliveryContext, ProviderAnswer } from './channel.js';
import { excerptOf, postOrThrow } from './http-post.js';
import type { Markup } from './markup.js';
import type { RenderedAlert } from './render-alert.js';
import { checkSettingText, checkSettingUrl, urlOfSetting } from './setting-url.js';
import { templateValues } from './templates.js';

export interface PagerDutySettings {
  /** The integration key of a service's Events API v2 integration. */
  routingKey: string;
  /** Where events are sent; PagerDuty's Events API v2 when absent. */
  eventsUrl?: string;
}

export const DEFAULT_PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

/** An incident's summary and details are plain text. */
export const pagerdutyMarkup: Markup = 'plain';

const MAX_SUMMARY_CHARS = 1024;
const ROUTING_KEY = /^[A-Za-z0-9]{32}$/;

type Severity = 'critical' | 'error' | 'warning' | 'info';

/** The incident a death opens and its recovery resolves: one per service. */
export const pagerdutyDedupKey = (service: string) => `watchtower:${service}`;
/** A late notice's own incident, apart from the death's, so a death still pages at full urgency. */
export const pagerdutyLateKey = (service: string) => `watchtower:${service}:late`;

function eventSeverity(alert: AlertRow): Severity {
  const level = Number((alert.details as { level?: unknown }).level);
  if (level >= LEVELS.critical) return 'critical';
  if (level >= LEVELS.error) return 'error';
  return level >= LEVELS.warning ? 'warning' : 'info';
}

/** What a kind of alert does to PagerDuty: which incident it triggers, at what severity. */
function triggerOf(alert: AlertRow): { dedupKey: string; severity: Severity } {
  switch (alert.kind) {
    case 'late':
      return { dedupKey: pagerdutyLateKey(alert.service), severity: 'warning' };
    case 'event':
      // Each event alert is an incident of its own; a retry of it keeps the same key.
      return { dedupKey: `watchtower:event:${alert.id}`, severity: eventSeverity(alert) };
    default:
      // down, failed, and a reminder, which adds to the incident the death opened (or reopens it).
      return { dedupKey: pagerdutyDedupKey(alert.service), severity: 'critical' };
  }
}

/** The Events API v2 trigger for an alert. */
export function pagerdutyTrigger(alert: AlertRow, message: RenderedAlert, routingKey: string): Record<string, unknown> {
  const { dedupKey, severity } = triggerOf(alert);
  // A template whose values came out empty still gives PagerDuty the summary it requires.
  const summary = excerptOf(message.templated?.title ?? '', MAX_SUMMARY_CHARS) || excerptOf(message.title, MAX_SUMMARY_CHARS);
  const { title: _title, text: _text, ...values } = templateValues(message, alert);
  const details = Object.fromEntries(Object.entries(values).filter(([, value]) => value !== ''));
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: dedupKey,
    client: 'watchtower',
    payload: {
      summary,
      source: alert.service,
      severity,
      timestamp: formatIsoTime(alert.createdAt),
      component: alert.service,
      group: 'watchtower',
      class: alert.kind,
      custom_details: { body: message.templated?.body ?? message.text, ...details, alertId: alert.id },
    },
  };
}

function enqueue(url: URL, event: Record<string, unknown>, context: DeliveryContext): Promise<ProviderAnswer> {
  return postOrThrow(url, { body: JSON.stringify(event), headers: { 'content-type': 'application/json' } }, context);
}

/**
 * PagerDuty, Events API v2. A death (down, failed) triggers the service's incident and a
 * reminder triggers it again (PagerDuty adds it to the open incident); the recovery resolves
 * it, and the late notice's incident too. A late notice opens a warning incident of its own,
 * which a pulse in time does not close (no alert says so): someone resolves it, or the next
 * recovery does. An event alert opens its own incident. PagerDuty answers 202.
 */
export const pagerdutyKind: ChannelKind<PagerDutySettings> = {
  type: 'pagerduty',
  checkSettings: async (settings, context) =>
    checkSettingText('routingKey', settings.routingKey, {
      test: ROUTING_KEY,
      says: "must be an integration key: 32 letters and digits, from the service's Events API v2 integration",
    }) ??
    (settings.eventsUrl === undefined || settings.eventsUrl === ''
      ? null
      : await checkSettingUrl('eventsUrl', settings.eventsUrl, context)),
  deliver: async ({ alert, message, settings }, context) => {
    const url = urlOfSetting('pagerduty', 'eventsUrl', settings.eventsUrl || DEFAULT_PAGERDUTY_EVENTS_URL);
    if (alert.kind !== 'recovered') return enqueue(url, pagerdutyTrigger(alert, message, settings.routingKey), context);
    const resolve = (dedupKey: string) => ({ routing_key: settings.routingKey, event_action: 'resolve', dedup_key: dedupKey });
    const answer = await enqueue(url, resolve(pagerdutyDedupKey(alert.service)), context);
    // Resolving is idempotent: a retry after the second call failed resolves the first again, harmlessly.
    await enqueue(url, resolve(pagerdutyLateKey(alert.service)), context);
    return answer;
  },
};
