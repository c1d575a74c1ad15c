import type { ChannelInput, ChannelType, ChannelView } from '@watchtower/protocol';
import { ALERT_KINDS, type AlertKind, CHANNEL_TYPES } from '@watchtower/protocol/vocabulary';

/** How one setting of a channel type is typed in the form. */
export interface ChannelField {
  name: string;
  label: string;
  help: string;
  required?: boolean;
  /** Kept apart on the server and never sent back: a password input, empty on edit to keep the stored one. */
  secret?: boolean;
  input?: 'text' | 'number' | 'checkbox' | 'select';
  /** The choices of a select; the empty choice is the default. */
  options?: readonly string[];
  placeholder?: string;
}

const url = (help: string, placeholder: string, extra: Partial<ChannelField> = {}): ChannelField => ({
  name: 'url',
  label: 'URL',
  help,
  placeholder,
  required: true,
  ...extra,
});

/** Each type's settings, as `PUT /channels/:name` takes them beside `type`. */
export const CHANNEL_FIELDS: Record<ChannelType, readonly ChannelField[]> = {
  smtp: [
    { name: 'host', label: 'Host', help: 'The SMTP server, without scheme or port.', placeholder: 'smtp.example.com', required: true },
    { name: 'port', label: 'Port', help: 'Usually 587 (STARTTLS) or 465 (TLS from the start); empty: the default.', input: 'number' },
    { name: 'secure', label: 'TLS from the start', help: 'Unticked: STARTTLS when the server offers it.', input: 'checkbox' },
    { name: 'user', label: 'User', help: 'Empty: no login.' },
    { name: 'password', label: 'Password', help: 'The login’s password.', secret: true },
    {
      name: 'from',
      label: 'From',
      help: 'The sender: an address, or a name and an address.',
      placeholder: 'Watchtower <watchtower@example.com>',
      required: true,
    },
    {
      name: 'to',
      label: 'To',
      help: 'Where the alerts go: an address, or several separated by commas.',
      placeholder: 'ops@example.com',
      required: true,
    },
  ],
  ntfy: [
    url('The topic URL.', 'https://ntfy.sh/my-alerts'),
    { name: 'token', label: 'Access token', help: 'Only for a server or topic that needs one.', secret: true },
    {
      name: 'priority',
      label: 'Priority',
      help: 'Empty: ntfy’s default.',
      input: 'select',
      options: ['min', 'low', 'default', 'high', 'urgent'],
    },
  ],
  gotify: [
    url('The Gotify server.', 'https://gotify.example.com'),
    { name: 'token', label: 'Application token', help: 'From Gotify’s Apps page.', secret: true, required: true },
  ],
  discord: [url('The channel’s webhook URL (it is its own credential).', 'https://discord.com/api/webhooks/…', { secret: true })],
  telegram: [
    { name: 'token', label: 'Bot token', help: 'From @BotFather.', secret: true, required: true },
    {
      name: 'chatId',
      label: 'Chat id',
      help: 'A number (negative for a group), or @channelname.',
      placeholder: '-1001234567890',
      required: true,
    },
    { name: 'apiUrl', label: 'API URL', help: 'Empty: Telegram’s own.', placeholder: 'https://api.telegram.org' },
  ],
  teams: [url('The incoming webhook URL (Workflows or connector).', 'https://….webhook.office.com/…', { secret: true })],
  matrix: [
    { name: 'homeserver', label: 'Homeserver', help: 'The homeserver’s URL.', placeholder: 'https://matrix.example.org', required: true },
    {
      name: 'room',
      label: 'Room ID',
      help: 'Room settings, Advanced; the token’s user must have joined it.',
      placeholder: '!abc123:example.org',
      required: true,
    },
    { name: 'token', label: 'Access token', help: 'Of a user in the room.', secret: true, required: true },
  ],
  pagerduty: [
    { name: 'routingKey', label: 'Routing key', help: 'An Events API v2 integration key.', secret: true, required: true },
    { name: 'eventsUrl', label: 'Events URL', help: 'Empty: PagerDuty’s Events API v2.' },
  ],
  opsgenie: [
    { name: 'apiKey', label: 'API key', help: 'An API integration’s key.', secret: true, required: true },
    { name: 'apiUrl', label: 'API URL', help: 'Empty: Opsgenie’s; https://api.eu.opsgenie.com for the EU.' },
  ],
  webhook: [url('Receives a signed POST per alert (Standard Webhooks).', 'https://example.com/hooks/watchtower')],
  slack: [url('The incoming webhook URL (it is its own credential).', 'https://hooks.slack.com/services/…', { secret: true })],
  pushover: [
    { name: 'user', label: 'User key', help: 'A user or group key: 30 letters and digits.', required: true },
    { name: 'token', label: 'Application token', help: 'Empty: the server’s.', secret: true },
  ],
  email: [
    { name: 'to', label: 'To', help: 'Sent through Resend, with the server’s settings.', placeholder: 'ops@example.com', required: true },
  ],
  log: [{ name: 'label', label: 'Label', help: 'Written with each line, to tell such channels apart.' }],
};

export const CHANNEL_TYPE_NAMES: readonly ChannelType[] = CHANNEL_TYPES;

/** What each type is, in a few words, for the type's choice. */
export const CHANNEL_TYPE_WORDS: Record<ChannelType, string> = {
  smtp: 'e-mail through an SMTP server',
  ntfy: 'a push notification through ntfy',
  gotify: 'a push notification through Gotify',
  discord: 'a message in a Discord channel',
  telegram: 'a message from a Telegram bot',
  teams: 'a message in a Microsoft Teams channel',
  matrix: 'a message in a Matrix room',
  pagerduty: 'a PagerDuty incident, resolved on recovery',
  opsgenie: 'an Opsgenie alert, closed on recovery',
  webhook: 'a signed JSON POST to a URL of yours',
  slack: 'a message in a Slack channel',
  pushover: 'a Pushover notification',
  email: 'e-mail through the server’s Resend account',
  log: 'a line in the server’s log',
};

const COMMON_VARIABLES = ['service', 'kind', 'status', 'title', 'text', 'at'];

/** The variables a template of each kind may name, as {{name}}. */
export const TEMPLATE_VARIABLES: Record<AlertKind, readonly string[]> = {
  down: [...COMMON_VARIABLES, 'since', 'last', 'expected', 'late', 'nextIn', 'message', 'runStarted', 'maxRuntime'],
  failed: [...COMMON_VARIABLES, 'since', 'exitCode', 'message', 'started', 'ended', 'runtime'],
  recovered: [...COMMON_VARIABLES, 'back', 'last', 'expected', 'silence', 'downFor'],
  late: [...COMMON_VARIABLES, 'last', 'expected', 'left', 'warnBefore', 'message'],
  reminder: [...COMMON_VARIABLES, 'since', 'diedAt', 'downFor', 'reminder', 'last', 'expected'],
  event: [...COMMON_VARIABLES, 'level', 'message', 'date', 'eventId'],
};

export const TEMPLATE_KINDS: readonly AlertKind[] = ALERT_KINDS;

/** The form's fields as typed: every setting as text ("true" for a ticked box), templates per kind. */
export interface ChannelDraft {
  name: string;
  type: ChannelType;
  values: Record<string, string>;
  templates: Record<string, { title: string; body: string }>;
  /** Webhook only: ask the server for a new signing secret. */
  rotateSecret: boolean;
}

const NAME = /^[\p{L}\p{N}_.:-]{1,50}$/u;

/** Why a channel name cannot be used, or undefined. */
export function channelNameProblem(name: string): string | undefined {
  if (name === '') return 'Name is required: how services will name this channel, such as ops-slack.';
  if (!NAME.test(name)) return `Name must be 1 to 50 letters, digits and - _ . : (no spaces); received ${JSON.stringify(name)}.`;
  return undefined;
}

export function emptyChannelDraft(type: ChannelType = 'slack'): ChannelDraft {
  return { name: '', type, values: {}, templates: {}, rotateSecret: false };
}

/** The form filled with a channel as the server shows it: its secrets are not there. */
export function draftFromChannel(channel: ChannelView): ChannelDraft {
  const values: Record<string, string> = {};
  for (const [field, value] of Object.entries(channel.settings)) {
    if (value === undefined || value === null) continue;
    values[field] = typeof value === 'boolean' ? (value ? 'true' : '') : textOf(value);
  }
  const templates: ChannelDraft['templates'] = {};
  for (const [kind, template] of Object.entries(channel.templates)) {
    templates[kind] = { title: template.title ?? '', body: template.body ?? '' };
  }
  return { name: channel.name, type: channel.type, values, templates, rotateSecret: false };
}

/** Field errors by setting name (and `name`), checked before sending; the server checks the rest. */
export function checkChannelDraft(draft: ChannelDraft, existing: ChannelView | undefined): Record<string, string> {
  const errors: Record<string, string> = {};
  const nameProblem = existing ? undefined : channelNameProblem(draft.name.trim());
  if (nameProblem) errors.name = nameProblem;
  for (const field of CHANNEL_FIELDS[draft.type]) {
    if (!field.required || (draft.values[field.name] ?? '').trim() !== '') continue;
    // A stored secret left empty is kept.
    if (field.secret && existing?.type === draft.type && existing.secrets.includes(field.name)) continue;
    const help = field.help.replace(/\.$/, '');
    errors[field.name] = `${field.label} is required: ${help.charAt(0).toLowerCase()}${help.slice(1)}.`;
  }
  return errors;
}

/** The body of `PUT /channels/:name`: empty settings are left out, and so are secrets left empty (the stored ones stay). */
export function channelBody(draft: ChannelDraft): ChannelInput {
  const body: Record<string, unknown> = { type: draft.type };
  for (const field of CHANNEL_FIELDS[draft.type]) {
    const text = (draft.values[field.name] ?? '').trim();
    if (field.input === 'checkbox') {
      if (text === 'true') body[field.name] = true;
    } else if (text !== '') {
      body[field.name] = field.input === 'number' && /^\d+$/.test(text) ? Number(text) : text;
    }
  }
  const templates: Record<string, { title?: string; body?: string }> = {};
  for (const kind of TEMPLATE_KINDS) {
    const title = draft.templates[kind]?.title.trim() ?? '';
    const text = draft.templates[kind]?.body.trim() ?? '';
    if (title || text) templates[kind] = { ...(title && { title }), ...(text && { body: text }) };
  }
  body.templates = templates;
  if (draft.type === 'webhook' && draft.rotateSecret) body.rotateSecret = true;
  return body as ChannelInput;
}

/** A setting as text: a list (several recipients) comma-separated. */
function textOf(value: unknown): string {
  if (Array.isArray(value)) return value.map(String).join(', ');
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
}

/** The channel's settings that are not secrets, in a line: "url https://…, priority 4". */
export function settingsSummary(channel: Pick<ChannelView, 'type' | 'settings'>): string {
  const parts = Object.entries(channel.settings)
    .filter(([, value]) => value !== undefined && value !== null && value !== '')
    .map(([field, value]) => `${field} ${textOf(value)}`);
  return parts.join(', ');
}

/** The setting a server's refusal names first ("url must be …"), when it is one of the type's. */
export function fieldOfChannelHint(type: ChannelType, hint: string): string | undefined {
  const named = /^([A-Za-z]+)\b/.exec(hint)?.[1];
  return CHANNEL_FIELDS[type].find((field) => field.name === named)?.name;
}

/** Where a channel is listed on the channels page. */
export function channelAnchor(name: string): string {
  return `channel-${name}`;
}
