import type { ChannelType } from '@watchtower/protocol';
import type { AlertRow, ChannelRow } from '../db/schema.js';
import type { Markup } from './markup.js';
import type { RenderedAlert } from './render-alert.js';
import { applyTemplate, checkTemplates, type MessageTemplates } from './templates.js';

/** The markup each channel type writes its messages in: a template's values are escaped for it. */
export const CHANNEL_MARKUP: Record<ChannelType, Markup> = {
  smtp: 'html',
  ntfy: 'plain',
  gotify: 'plain',
  discord: 'discord',
  telegram: 'telegram',
  teams: 'markdown',
  matrix: 'html',
  pagerduty: 'plain',
  opsgenie: 'plain',
  webhook: 'plain',
  slack: 'slack',
  pushover: 'plain',
  email: 'plain',
  log: 'plain',
};

/**
 * The message as the channel's template for the alert's kind words it (`templated`), in
 * the channel's markup. Without a template for the kind, the message as it was.
 */
export function applyChannelTemplate(
  channel: Pick<ChannelRow, 'type' | 'templates'>,
  alert: AlertRow,
  message: RenderedAlert,
): RenderedAlert {
  const markup = CHANNEL_MARKUP[channel.type as ChannelType] ?? 'plain';
  // The cast: the templates were read by the protocol's ChannelTemplates when saved.
  return applyTemplate(message, alert, channel.templates as MessageTemplates, markup);
}

/** Why a channel's templates cannot be saved (an unknown variable, say), or null. */
export function problemWithTemplates(templates: Record<string, unknown>): string | null {
  return checkTemplates(templates);
}
