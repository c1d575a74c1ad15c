import { LEVELS } from '@watchtower/protocol';
import type { AlertRow } from '../db/schema.js';

/** An alert in words, for every channel; `payload` is what webhooks receive. */
export interface RenderedAlert {
  title: string;
  text: string;
  html: string;
  payload: Record<string, unknown>;
}

/** "2 h 5 min", "45 s": a span of seconds as people say it. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const units: Array<[string, number]> = [
    ['d', 86_400],
    ['h', 3_600],
    ['min', 60],
    ['s', 1],
  ];
  const parts: string[] = [];
  let rest = s;
  for (const [unit, size] of units) {
    if (rest >= size && parts.length < 2) {
      parts.push(`${Math.floor(rest / size)} ${unit}`);
      rest %= size;
    } else if (parts.length > 0) break;
  }
  return parts.join(' ');
}

const iso = (unixSeconds: number) => new Date(unixSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

function levelName(level: number): string {
  const entry = Object.entries(LEVELS).find(([, value]) => value === level);
  return entry ? entry[0] : `level ${level}`;
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

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
    const late = (alert.createdAt.getTime() / 1000) - expected;
    type = 'heartbeat.down';
    status = 'dead';
    title = `${service} is down`;
    lines = [
      `${service} has not pulsed since ${iso(last)}.`,
      `It promised to pulse again within ${formatDuration(Number(details.nextIn))}, by ${iso(expected)}; it is ${formatDuration(late)} late.`,
    ];
    if (details.message) lines.push(`Its last message: ${details.message}`);
  } else if (alert.kind === 'recovered' && details.downNotSent) {
    // The down alert was never delivered: this one message tells both.
    type = 'heartbeat.recovered';
    status = 'alive';
    title = `${service} was down and is pulsing again`;
    lines = [
      `${service} was down from ${iso(Number(details.expected))} (not pulsing since ${iso(Number(details.last))}) and is pulsing again since ${iso(Number(details.back))}.`,
      `It came back before the alert that it was down could be delivered, so that alert was not sent.`,
    ];
  } else if (alert.kind === 'recovered') {
    const silentFor = Number(details.back) - Number(details.last);
    type = 'heartbeat.recovered';
    status = 'alive';
    title = `${service} is pulsing again`;
    lines = [
      `${service} pulsed again at ${iso(Number(details.back))}, after ${formatDuration(silentFor)} of silence (its previous pulse was at ${iso(Number(details.last))}).`,
    ];
  } else {
    type = 'event.alert';
    status = levelName(Number(details.level));
    title = `${service}: ${levelName(Number(details.level))}`;
    lines = [String(details.message ?? ''), `Logged at ${iso(Number(details.date))}.`];
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
