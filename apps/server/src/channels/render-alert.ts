import { findLevelName, formatDuration, formatIsoTime } from '@watchtower/protocol';
import { unixSeconds } from '../domain/views.js';
import type { AlertRow } from '../db/schema.js';

/** An alert in words, for every channel; `payload` is what webhooks receive. */
export interface RenderedAlert {
  title: string;
  text: string;
  html: string;
  payload: Record<string, unknown>;
  /**
   * The channel's own title and body from its template for this kind, already in the
   * channel's markup with every value escaped (see markup.ts). When present, a channel sends
   * these as they are instead of formatting `title` and `text` itself.
   */
  templated?: { title: string; body: string };
}

// An event's level by name, or as "level 35" when it has none.
const describeLevel = (level: number) => findLevelName(level) ?? `level ${level}`;

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

type Details = Record<string, number | string | null | undefined>;

/** What one kind of alert says: its webhook type, the service's status, a title and lines. */
interface Wording {
  type: string;
  status: string;
  title: string;
  lines: string[];
}

function describeDown(alert: AlertRow, details: Details): Wording {
  const service = alert.service;
  const expected = Number(details.expected);
  const late = unixSeconds(alert.createdAt) - expected;
  if (details.runStarted !== undefined && details.runStarted !== null) {
    // A run that started and never ended within its maxRuntime.
    return {
      type: 'heartbeat.down',
      status: 'dead',
      title: `${service} is still running past its maxRuntime`,
      lines: [
        `${service} started at ${formatIsoTime(Number(details.runStarted))} and was still running at ${formatIsoTime(unixSeconds(alert.createdAt))}.`,
        `It may run for ${formatDuration(Number(details.maxRuntime))} at most, so it was due to end by ${formatIsoTime(expected)}.`,
        ...(details.message ? [`Its start said: ${details.message}`] : []),
      ],
    };
  }
  const lines = [
    `${service} has not pulsed since ${formatIsoTime(Number(details.last))}.`,
    `It promised to pulse again within ${formatDuration(Number(details.nextIn))}, by ${formatIsoTime(expected)}; it is ${formatDuration(late)} late.`,
  ];
  if (details.message) lines.push(`Its last message: ${details.message}`);
  return { type: 'heartbeat.down', status: 'dead', title: `${service} is down`, lines };
}

function describeFailed(alert: AlertRow, details: Details): Wording {
  const service = alert.service;
  const code = details.exitCode === null || details.exitCode === undefined ? '' : ` with exit code ${details.exitCode}`;
  const started = details.started === null || details.started === undefined ? null : Number(details.started);
  const lines = [
    started === null
      ? `${service} reported a failure${code} at ${formatIsoTime(Number(details.ended))}.`
      : `${service} started at ${formatIsoTime(started)} and failed${code} after ${formatDuration(Number(details.ended) - started)}.`,
  ];
  if (details.message) lines.push(`Its output: ${details.message}`);
  return { type: 'heartbeat.failed', status: 'dead', title: `${service} failed${code}`, lines };
}

function describeRecovered(alert: AlertRow, details: Details): Wording {
  const service = alert.service;
  if (details.downNotSent) {
    // The down alert was never delivered: this one message tells both.
    return {
      type: 'heartbeat.recovered',
      status: 'alive',
      title: `${service} was down and is pulsing again`,
      lines: [
        `${service} was down from ${formatIsoTime(Number(details.expected))} (not pulsing since ${formatIsoTime(Number(details.last))}) and is pulsing again since ${formatIsoTime(Number(details.back))}.`,
        `It came back before the alert that it was down could be delivered, so that alert was not sent.`,
      ],
    };
  }
  const silentFor = Number(details.back) - Number(details.last);
  return {
    type: 'heartbeat.recovered',
    status: 'alive',
    title: `${service} is pulsing again`,
    lines: [
      `${service} pulsed again at ${formatIsoTime(Number(details.back))}, after ${formatDuration(silentFor)} of silence (its previous pulse was at ${formatIsoTime(Number(details.last))}).`,
    ],
  };
}

function describeLate(alert: AlertRow, details: Details): Wording {
  const service = alert.service;
  const expected = Number(details.expected);
  const left = Math.max(0, expected - unixSeconds(alert.createdAt));
  const lines = [
    `${service} has not pulsed since ${formatIsoTime(Number(details.last))}, and is due by ${formatIsoTime(expected)}: ${formatDuration(left)} from now.`,
    'It is not dead yet: this notice comes once for this deadline, and a pulse in time is all it needs.',
  ];
  if (details.message) lines.push(`Its last message: ${details.message}`);
  return { type: 'heartbeat.late', status: 'late', title: `${service} is running late`, lines };
}

function describeReminder(alert: AlertRow, details: Details): Wording {
  const service = alert.service;
  const diedAt = Number(details.diedAt);
  const count = Number(details.reminder);
  const before = count - 1;
  return {
    type: 'heartbeat.reminder',
    status: 'dead',
    title: `${service} is still down`,
    lines: [
      `${service} has been down since ${formatIsoTime(diedAt)}: ${formatDuration(unixSeconds(alert.createdAt) - diedAt)} now.`,
      before === 0 ? 'This is the first reminder.' : `${before} reminder${before === 1 ? '' : 's'} came before this one.`,
    ],
  };
}

function describeEvent(alert: AlertRow, details: Details): Wording {
  const level = describeLevel(Number(details.level));
  return {
    type: 'event.alert',
    status: level,
    title: `${alert.service}: ${level}`,
    lines: [String(details.message ?? ''), `Logged at ${formatIsoTime(Number(details.date))}.`],
  };
}

const WORDINGS: Record<AlertRow['kind'], (alert: AlertRow, details: Details) => Wording> = {
  down: describeDown,
  failed: describeFailed,
  late: describeLate,
  reminder: describeReminder,
  recovered: describeRecovered,
  event: describeEvent,
};

export function renderAlert(alert: AlertRow): RenderedAlert {
  const details = alert.details as Details;
  const { type, status, title, lines } = WORDINGS[alert.kind](alert, details);
  const text = lines.join('\n');
  const html = `<p><strong>${escapeHtml(title)}</strong></p>${lines.map((line) => `<p>${escapeHtml(line)}</p>`).join('')}`;
  return {
    title: `watchtower: ${title}`,
    text,
    html,
    payload: { type, alertId: alert.id, service: alert.service, status, ...details, title, text },
  };
}
