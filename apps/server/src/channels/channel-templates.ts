import type { ChannelType } from '@watchtower/protocol';
import type { AlertRow, ChannelRow } from '../db/schema.js';
import type { Markup } from './markup.js';
import type { RenderedAlert } from './render-alert.js';

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
 * the channel's markup. Without a template engine, or a template, the message as it was.
 */
export function applyChannelTemplate(
  channel: Pick<ChannelRow, 'type' | 'templates'>,
  alert: AlertRow,
  message: RenderedAlert,
): RenderedAlert {
  void channel;
  void alert;
  return message;
}

/** Why a channel's templates cannot be saved (an unknown variable, say), or null. */
export function problemWithTemplates(templates: Record<string, unknown>): string | null {
  void templates;
  return null;
}
