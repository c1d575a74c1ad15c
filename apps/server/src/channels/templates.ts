import { ALERT_KINDS, type AlertKind, findLevelName, formatDuration, formatIsoTime } from '@watchtower/protocol';
import type { AlertRow } from '../db/schema.js';
import { unixSeconds } from '../domain/views.js';
import { escapeFor, type Markup } from './markup.js';
import type { RenderedAlert } from './render-alert.js';

/**
 * A channel's own wording for one kind of alert: text with `{{variable}}` placeholders and
 * nothing else (no conditions, no expressions, no helpers). The text is written in the
 * channel's markup and sent as written; every value put into it is escaped for that markup.
 */
export interface MessageTemplate {
  title?: string;
  body?: string;
}

export type MessageTemplates = Record<string, MessageTemplate>;

const MAX_TITLE_CHARS = 500;
const MAX_BODY_CHARS = 4_000;

// A placeholder, spaces allowed inside the braces; what it names is checked on its own.
const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;
const VARIABLE_NAME = /^[A-Za-z][A-Za-z0-9]*$/;

/** What every kind of alert offers a template. */
const COMMON_VARIABLES = ['service', 'kind', 'status', 'title', 'text', 'at'] as const;

type Details = Record<string, unknown>;
type Values = Record<string, string>;

const present = (value: unknown) => value !== null && value !== undefined && value !== '';
const timeOf = (value: unknown) => (present(value) && Number.isFinite(Number(value)) ? formatIsoTime(Number(value)) : '');
const durationOf = (seconds: number) => (Number.isFinite(seconds) ? formatDuration(seconds) : '');
const textOf = (value: unknown) => (present(value) ? String(value) : '');

/** Each kind's own values, from the alert's details, formatted for people. */
const KIND_VALUES: Record<AlertKind, (details: Details, raisedAt: number) => Values> = {
  down: (details, raisedAt) => ({
    since: timeOf(details.expected),
    last: timeOf(details.last),
    expected: timeOf(details.expected),
    late: durationOf(raisedAt - Number(details.expected)),
    nextIn: present(details.nextIn) ? durationOf(Number(details.nextIn)) : '',
    message: textOf(details.message),
    runStarted: timeOf(details.runStarted),
    maxRuntime: present(details.maxRuntime) ? durationOf(Number(details.maxRuntime)) : '',
  }),
  failed: (details) => ({
    since: timeOf(details.ended),
    exitCode: textOf(details.exitCode),
    message: textOf(details.message),
    started: timeOf(details.started),
    ended: timeOf(details.ended),
    runtime: present(details.started) ? durationOf(Number(details.ended) - Number(details.started)) : '',
  }),
  recovered: (details) => ({
    back: timeOf(details.back),
    last: timeOf(details.last),
    expected: timeOf(details.expected),
    silence: durationOf(Number(details.back) - Number(details.last)),
    downFor: durationOf(Number(details.back) - Number(details.expected)),
  }),
  late: (details, raisedAt) => ({
    last: timeOf(details.last),
    expected: timeOf(details.expected),
    left: durationOf(Math.max(0, Number(details.expected) - raisedAt)),
    warnBefore: present(details.warnBefore) ? durationOf(Number(details.warnBefore)) : '',
    message: textOf(details.message),
  }),
  reminder: (details, raisedAt) => ({
    since: timeOf(details.diedAt),
    diedAt: timeOf(details.diedAt),
    downFor: durationOf(raisedAt - Number(details.diedAt)),
    reminder: textOf(details.reminder),
    last: timeOf(details.last),
    expected: timeOf(details.expected),
  }),
  event: (details) => ({
    level: findLevelName(Number(details.level)) ?? textOf(details.level),
    message: textOf(details.message),
    date: timeOf(details.date),
    eventId: textOf(details.eventId),
  }),
};

const KIND_VARIABLES: Record<AlertKind, readonly string[]> = {
  down: ['since', 'last', 'expected', 'late', 'nextIn', 'message', 'runStarted', 'maxRuntime'],
  failed: ['since', 'exitCode', 'message', 'started', 'ended', 'runtime'],
  recovered: ['back', 'last', 'expected', 'silence', 'downFor'],
  late: ['last', 'expected', 'left', 'warnBefore', 'message'],
  reminder: ['since', 'diedAt', 'downFor', 'reminder', 'last', 'expected'],
  event: ['level', 'message', 'date', 'eventId'],
};

/** The variables a template for this kind of alert may name. */
export function templateVariables(kind: AlertKind): string[] {
  return [...COMMON_VARIABLES, ...KIND_VARIABLES[kind]];
}

/** Every variable's value for this alert, unescaped. */
export function templateValues(message: RenderedAlert, alert: AlertRow): Values {
  const raisedAt = unixSeconds(alert.createdAt);
  return {
    service: alert.service,
    kind: alert.kind,
    status: textOf(message.payload.status),
    title: message.title,
    text: message.text,
    at: formatIsoTime(alert.createdAt),
    ...KIND_VALUES[alert.kind](alert.details as Details, raisedAt),
  };
}

const isKind = (kind: string): kind is AlertKind => (ALERT_KINDS as readonly string[]).includes(kind);

function checkText(where: string, kind: AlertKind, text: unknown, maxChars: number): string | null {
  if (typeof text !== 'string') return `${where} must be text; received ${text === null ? 'null' : typeof text}`;
  if (text.length > maxChars) return `${where} is ${text.length} characters long; at most ${maxChars} are allowed`;
  if (text.includes('{{{')) return `${where}: "{{{" is not allowed: a value is always escaped, write {{variable}}`;
  const allowed = templateVariables(kind);
  for (const [placeholder, inside] of text.matchAll(PLACEHOLDER)) {
    const name = inside!.trim();
    if (!VARIABLE_NAME.test(name)) {
      return `${where}: ${placeholder} is not a variable; a template holds text and {{variable}} placeholders only, and the variables for ${kind} are ${allowed.join(', ')}`;
    }
    if (!allowed.includes(name)) {
      return `${where}: unknown variable {{${name}}}; the variables for ${kind} are ${allowed.join(', ')}`;
    }
  }
  if (text.replace(PLACEHOLDER, '').includes('{{')) return `${where}: a "{{" is not closed by "}}"`;
  return null;
}

/**
 * Why a channel's templates cannot be saved, or null: an unknown alert kind, a field other
 * than title and body, a placeholder that is not a known variable of its kind.
 */
export function checkTemplates(templates: unknown): string | null {
  if (templates === undefined || templates === null) return null;
  if (typeof templates !== 'object' || Array.isArray(templates)) {
    return `templates must be an object keyed by alert kind (${ALERT_KINDS.join(', ')})`;
  }
  for (const [kind, template] of Object.entries(templates)) {
    if (!isKind(kind)) return `templates: unknown alert kind ${JSON.stringify(kind)}; the kinds are ${ALERT_KINDS.join(', ')}`;
    if (typeof template !== 'object' || template === null || Array.isArray(template)) {
      return `templates.${kind} must be an object with a title, a body or both`;
    }
    for (const [field, text] of Object.entries(template)) {
      if (field !== 'title' && field !== 'body')
        return `templates.${kind}: unknown field ${JSON.stringify(field)}; a template has a title and a body`;
      const problem = checkText(`templates.${kind}.${field}`, kind, text, field === 'title' ? MAX_TITLE_CHARS : MAX_BODY_CHARS);
      if (problem) return problem;
    }
  }
  return null;
}

/**
 * The message with the channel's template for its kind filled in as `templated`, in the
 * channel's markup: the template's text as written, each value escaped. A missing (or
 * empty) title or body is the built-in one, escaped. Without a template, the message as it was.
 */
export function applyTemplate(
  message: RenderedAlert,
  alert: AlertRow,
  templates: MessageTemplates | undefined,
  markup: Markup,
): RenderedAlert {
  const template = templates?.[alert.kind];
  if (!template || (!template.title && !template.body)) return message;
  const values = templateValues(message, alert);
  const fill = (text: string) =>
    text.replace(PLACEHOLDER, (placeholder, inside: string) => {
      const name = inside.trim();
      // A template saved before a variable was withdrawn shows its placeholder, not nothing.
      return escapeFor(markup, Object.hasOwn(values, name) ? values[name]! : placeholder);
    });
  return {
    ...message,
    templated: {
      title: template.title ? fill(template.title) : escapeFor(markup, message.title),
      body: template.body ? fill(template.body) : escapeFor(markup, message.text),
    },
  };
}
