import { findLevelName, formatDuration, formatIsoTime } from '@watchtower/protocol';
import { unixSeconds } from '../domain/views.js';
import type { AlertRow } from '../db/schema.js';

/** An alert in words, for every channel; `payload` is what webhooks receive. */
export interface RenderedAlert {
  title: string;
  text: string;
  html: string;
  payload: Record<string, unknown>;
}

// An event's level by name, or as "level 35" when it has none.
const describeLevel = (level: number) => findLevelName(level) ?? `level ${level}`;

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

export function renderAlert(alert: AlertRow): RenderedAlert {
  const details = alert.details as Record<string, number | string | null | undefined>;
  const service = alert.service;
  let title: string;
  let lines: string[];
  let status: string;
  let type: string;
  if (alert.kind === 'down') {
    const last = Number(details.last);
    const expected = Number(details.expected);
    const late = unixSeconds(alert.createdAt) - expected;
    type = 'heartbeat.down';
    status = 'dead';
    title = `${service} is down`;
    lines = [
      `${service} has not pulsed since ${formatIsoTime(last)}.`,
      `It promised to pulse again within ${formatDuration(Number(details.nextIn))}, by ${formatIsoTime(expected)}; it is ${formatDuration(late)} late.`,
    ];
    if (details.message) lines.push(`Its last message: ${details.message}`);
  } else if (alert.kind === 'recovered' && details.downNotSent) {
    // The down alert was never delivered: this one message tells both.
    type = 'heartbeat.recovered';
    status = 'alive';
    title = `${service} was down and is pulsing again`;
    lines = [
      `${service} was down from ${formatIsoTime(Number(details.expected))} (not pulsing since ${formatIsoTime(Number(details.last))}) and is pulsing again since ${formatIsoTime(Number(details.back))}.`,
      `It came back before the alert that it was down could be delivered, so that alert was not sent.`,
    ];
  } else if (alert.kind === 'recovered') {
    const silentFor = Number(details.back) - Number(details.last);
    type = 'heartbeat.recovered';
    status = 'alive';
    title = `${service} is pulsing again`;
    lines = [
      `${service} pulsed again at ${formatIsoTime(Number(details.back))}, after ${formatDuration(silentFor)} of silence (its previous pulse was at ${formatIsoTime(Number(details.last))}).`,
    ];
  } else {
    type = 'event.alert';
    status = describeLevel(Number(details.level));
    title = `${service}: ${describeLevel(Number(details.level))}`;
    lines = [String(details.message ?? ''), `Logged at ${formatIsoTime(Number(details.date))}.`];
  }
  const text = lines.join('\n');
  const html = `<p><strong>${escapeHtml(title)}</strong></p>${lines.map((line) => `<p>${escapeHtml(line)}</p>`).join('')}`;
  return {
    title: `watchtower: ${title}`,
    text,
    html,
    payload: { type, alertId: alert.id, service, status, ...details, title, text },
  };
}
