import { z } from 'zod';
import { LIMITS } from './constants.js';
import { answer, boundedText, describeValue, expectationMessage, flag, numeric, optional } from './fields.js';
import { ALERT_KINDS, CHANNEL_SOURCES, CHANNEL_TYPES, type ChannelType } from './vocabulary.js';

/** An http(s) URL of at most LIMITS.channelUrlMaxLength characters. */
export function httpUrl(field: string, what = 'an http(s) URL') {
  const max = LIMITS.channelUrlMaxLength;
  return z
    .unknown()
    .transform((value, ctx) => {
      let url: URL | undefined;
      try {
        url = typeof value === 'string' && value.length <= max ? new URL(value) : undefined;
      } catch {
        url = undefined;
      }
      if (url && (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '') return value as string;
      const scheme = url ? `; received a ${url.protocol.replace(':', '')} URL` : '';
      const expectation = `${what} (at most ${max} characters)`;
      ctx.addIssue({
        code: 'custom',
        message: scheme ? `${field} must be ${expectation}${scheme}` : expectationMessage(field, expectation, value),
      });
      return z.NEVER;
    })
    .meta({ type: 'string', format: 'uri', maxLength: LIMITS.channelUrlMaxLength, description: what });
}

const ADDRESS = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/;

/** An e-mail address such as ops@example.com. */
function emailAddress(field: string) {
  return z
    .unknown()
    .transform((value, ctx) => {
      if (typeof value === 'string' && value.length <= 254 && ADDRESS.test(value)) return value;
      ctx.addIssue({ code: 'custom', message: expectationMessage(field, 'an e-mail address such as ops@example.com', value) });
      return z.NEVER;
    })
    .meta({ type: 'string', format: 'email' });
}

const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$|^\[?[0-9A-Fa-f:.]+\]?$/;

const NAMED_ADDRESS = /^[^<>\r\n]{0,100}<([^<>]+)>$/;

/** A sender: `ops@example.com` or `Watchtower <ops@example.com>`. */
function senderAddress(field: string) {
  return z
    .unknown()
    .transform((value, ctx) => {
      const address = typeof value === 'string' ? (NAMED_ADDRESS.exec(value.trim())?.[1] ?? value.trim()) : undefined;
      if (typeof value === 'string' && address !== undefined && address.length <= 254 && ADDRESS.test(address)) return value.trim();
      const expectation = 'an e-mail address such as ops@example.com, or Watchtower <ops@example.com>';
      ctx.addIssue({ code: 'custom', message: expectationMessage(field, expectation, value) });
      return z.NEVER;
    })
    .meta({ type: 'string', description: 'ops@example.com, or Watchtower <ops@example.com>' });
}

/** Recipients: one address, several separated by commas, or a list of at most 50; read as a list. */
function recipientList(field: string) {
  return z
    .unknown()
    .transform((value, ctx) => {
      const list = typeof value === 'string' ? value.split(',').map((item) => item.trim()) : value;
      const fits = Array.isArray(list) && list.length >= 1 && list.length <= 50;
      const bad = fits ? list.find((item) => typeof item !== 'string' || item.length > 254 || !ADDRESS.test(item)) : undefined;
      if (fits && bad === undefined) return list as string[];
      const expectation = 'an e-mail address such as ops@example.com, several separated by commas, or a list of at most 50';
      const received = fits ? `; ${describeValue(bad)} is not an address` : '';
      ctx.addIssue({
        code: 'custom',
        message: fits ? `${field} must be ${expectation}${received}` : expectationMessage(field, expectation, value),
      });
      return z.NEVER;
    })
    .meta({
      anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string', format: 'email' }, maxItems: 50 }],
      description: 'one address, several separated by commas, or a list',
    });
}

/** A host name or an IP address, without a scheme or a port. */
function hostName(field: string) {
  return z
    .unknown()
    .transform((value, ctx) => {
      if (typeof value === 'string' && HOST_NAME.test(value)) return value;
      ctx.addIssue({
        code: 'custom',
        message: expectationMessage(field, 'a host name such as smtp.example.com (no scheme, no port)', value),
      });
      return z.NEVER;
    })
    .meta({ type: 'string', description: 'a host name or IP address, without scheme or port' });
}

/** A whole number from `min` to `max`, also as a numeric string. */
function wholeNumber(field: string, min: number, max: number) {
  const range = `a whole number from ${min} to ${max}`;
  return numeric(field, range).pipe(
    z
      .number()
      .int({ message: `${field} must be ${range}` })
      .min(min, { message: `${field} must be ${range}` })
      .max(max, { message: `${field} must be ${range}` }),
  );
}

/** A secret or an identifier: printable text without spaces. */
function credential(field: string, max: number = LIMITS.channelSecretMaxLength) {
  return z
    .unknown()
    .transform((value, ctx) => {
      if (typeof value === 'string' && value.length >= 1 && value.length <= max && /^[\x21-\x7e]+$/.test(value)) return value;
      // The value itself is never quoted back: it may be a secret.
      const received = typeof value === 'string' ? `a string of ${value.length} characters` : describeValue(value);
      const expectation = `1 to ${max} printable characters without spaces`;
      const message =
        value === undefined ? `${field} is required: ${expectation}` : `${field} must be ${expectation}; received ${received}`;
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    })
    .meta({ type: 'string', minLength: 1, maxLength: max, description: 'printable characters without spaces' });
}

const NTFY_PRIORITIES = { min: 1, low: 2, default: 3, high: 4, urgent: 5, max: 5 } as const;

/** ntfy's priority: 1 (min) to 5 (urgent), or its name. */
const NtfyPriority = z
  .unknown()
  .transform((value, ctx) => {
    if (typeof value === 'string' && value in NTFY_PRIORITIES) return NTFY_PRIORITIES[value as keyof typeof NTFY_PRIORITIES];
    const number = typeof value === 'number' ? value : typeof value === 'string' && /^\d$/.test(value) ? Number(value) : Number.NaN;
    if (Number.isInteger(number) && number >= 1 && number <= 5) return number;
    ctx.addIssue({
      code: 'custom',
      message: expectationMessage('priority', 'a whole number from 1 to 5, or min, low, default, high or urgent', value),
    });
    return z.NEVER;
  })
  .meta({ anyOf: [{ type: 'integer', minimum: 1, maximum: 5 }, { enum: Object.keys(NTFY_PRIORITIES) }] });

const PUSHOVER_KEY = /^[A-Za-z0-9]{30}$/;
const pushoverKey = (field: string) =>
  z
    .unknown()
    .transform((value, ctx) => {
      if (typeof value === 'string' && PUSHOVER_KEY.test(value)) return value;
      const received = typeof value === 'string' ? `a string of ${value.length} characters` : describeValue(value);
      ctx.addIssue({
        code: 'custom',
        message:
          value === undefined
            ? `${field} is required: 30 letters and digits`
            : `${field} must be 30 letters and digits; received ${received}`,
      });
      return z.NEVER;
    })
    .meta({ type: 'string', pattern: '^[A-Za-z0-9]{30}$' });

/** Telegram's chat id: a number (negative for groups), or `@channelname`. */
const TelegramChatId = z
  .unknown()
  .transform((value, ctx) => {
    const text = typeof value === 'number' && Number.isInteger(value) ? String(value) : value;
    if (typeof text === 'string' && /^(-?\d{1,20}|@[A-Za-z0-9_]{5,32})$/.test(text)) return text;
    ctx.addIssue({ code: 'custom', message: expectationMessage('chatId', 'a chat id such as -1001234567890, or @channelname', value) });
    return z.NEVER;
  })
  .meta({ type: ['string', 'integer'], description: 'a chat id such as -1001234567890, or @channelname' });

/** A Matrix room by its ID, `!abc:example.org` (the token's user must have joined it). */
const MatrixRoom = z
  .unknown()
  .transform((value, ctx) => {
    if (typeof value === 'string' && value.length <= 255 && /^![^\s:]+:[^\s]+$/.test(value)) return value;
    ctx.addIssue({
      code: 'custom',
      message: expectationMessage('room', 'a room ID such as !abc123:example.org (Room settings, Advanced)', value),
    });
    return z.NEVER;
  })
  .meta({ type: 'string', description: 'a room ID such as !abc123:example.org' });

/** `smtp`: sends through the given server; `secure` is TLS from the start, otherwise STARTTLS when offered. */
export const SmtpSettings = z.strictObject({
  host: hostName('host'),
  port: optional(wholeNumber('port', 1, 65535)),
  secure: optional(flag('secure')),
  user: optional(boundedText('user', 200, { min: 1 })),
  password: optional(boundedText('password', LIMITS.channelSecretMaxLength, { min: 1 })),
  from: senderAddress('from'),
  to: recipientList('to'),
});
export type SmtpSettings = z.output<typeof SmtpSettings>;

/** `ntfy`: POST to the topic URL, with an access token if the server needs one. */
export const NtfySettings = z.strictObject({
  url: httpUrl('url', 'the topic URL, such as https://ntfy.sh/my-alerts'),
  token: optional(credential('token')),
  priority: optional(NtfyPriority),
});
export type NtfySettings = z.output<typeof NtfySettings>;

/** `gotify`: the server's URL and an application token. */
export const GotifySettings = z.strictObject({
  url: httpUrl('url', 'the Gotify server URL, such as https://gotify.example.com'),
  token: credential('token'),
});
export type GotifySettings = z.output<typeof GotifySettings>;

/** `discord`: a channel's webhook URL. */
export const DiscordSettings = z.strictObject({
  url: httpUrl('url', 'the Discord webhook URL'),
});
export type DiscordSettings = z.output<typeof DiscordSettings>;

/** `telegram`: a bot token and the chat it writes to; `apiUrl` defaults to Telegram's. */
export const TelegramSettings = z.strictObject({
  token: credential('token'),
  chatId: TelegramChatId,
  apiUrl: optional(httpUrl('apiUrl')),
});
export type TelegramSettings = z.output<typeof TelegramSettings>;

/** `teams`: an incoming webhook URL (a Workflows or connector URL). */
export const TeamsSettings = z.strictObject({
  url: httpUrl('url', 'the Teams incoming webhook URL'),
});
export type TeamsSettings = z.output<typeof TeamsSettings>;

/** `matrix`: a homeserver, a room, and an access token of a user in it. */
export const MatrixSettings = z.strictObject({
  homeserver: httpUrl('homeserver', 'the homeserver URL, such as https://matrix.example.org'),
  room: MatrixRoom,
  token: credential('token'),
});
export type MatrixSettings = z.output<typeof MatrixSettings>;

/** `pagerduty`: an Events API v2 routing key; `eventsUrl` defaults to PagerDuty's. */
export const PagerdutySettings = z.strictObject({
  routingKey: credential('routingKey', 100),
  eventsUrl: optional(httpUrl('eventsUrl')),
});
export type PagerdutySettings = z.output<typeof PagerdutySettings>;

/** `opsgenie`: an API key; `apiUrl` defaults to Opsgenie's (https://api.eu.opsgenie.com for the EU). */
export const OpsgenieSettings = z.strictObject({
  apiKey: credential('apiKey', 100),
  apiUrl: optional(httpUrl('apiUrl')),
});
export type OpsgenieSettings = z.output<typeof OpsgenieSettings>;

/**
 * `webhook`: POSTs `{"type","timestamp","data"}` signed per Standard Webhooks with the
 * channel's own secret, which the server generates. `rotateSecret: true` in a PUT makes a
 * new one; the old one keeps signing beside it for LIMITS.webhookRotationSeconds.
 */
export const WebhookSettings = z.strictObject({
  url: httpUrl('url', 'the receiver URL'),
});
export type WebhookSettings = z.output<typeof WebhookSettings>;

/** `slack`: an incoming webhook URL. */
export const SlackSettings = z.strictObject({
  url: httpUrl('url', 'the Slack incoming webhook URL'),
});
export type SlackSettings = z.output<typeof SlackSettings>;

/** `pushover`: a user or group key; `token`, the application's, defaults to the server's. */
export const PushoverSettings = z.strictObject({
  user: pushoverKey('user'),
  token: optional(pushoverKey('token')),
});
export type PushoverSettings = z.output<typeof PushoverSettings>;

/** `email`: an address, written to through Resend with the server's settings. */
export const EmailSettings = z.strictObject({
  to: emailAddress('to'),
});
export type EmailSettings = z.output<typeof EmailSettings>;

/** `log`: a line in the server's log; `label` tells such channels apart. */
export const LogSettings = z.strictObject({
  label: optional(boundedText('label', LIMITS.shortNameMaxLength, { min: 1 })),
});
export type LogSettings = z.output<typeof LogSettings>;

/** The settings schema of each channel type. */
export const CHANNEL_SETTINGS = {
  smtp: SmtpSettings,
  ntfy: NtfySettings,
  gotify: GotifySettings,
  discord: DiscordSettings,
  telegram: TelegramSettings,
  teams: TeamsSettings,
  matrix: MatrixSettings,
  pagerduty: PagerdutySettings,
  opsgenie: OpsgenieSettings,
  webhook: WebhookSettings,
  slack: SlackSettings,
  pushover: PushoverSettings,
  email: EmailSettings,
  log: LogSettings,
} as const satisfies Record<ChannelType, z.ZodType>;

/** The settings of a channel of type T, secrets included. */
export type ChannelSettings<T extends ChannelType = ChannelType> = z.output<(typeof CHANNEL_SETTINGS)[T]>;

const TemplateTitle = (kind: string) => boundedText(`templates.${kind}.title`, LIMITS.templateTitleMaxLength, { min: 1 });
const TemplateBody = (kind: string) => boundedText(`templates.${kind}.body`, LIMITS.templateBodyMaxLength, { min: 1, multiline: true });
const template = (kind: string) => optional(z.strictObject({ title: optional(TemplateTitle(kind)), body: optional(TemplateBody(kind)) }));

/**
 * A channel's own wording per alert kind: a title and a body, each with variables only
 * (filled in and escaped for the channel's markup when an alert is sent). A kind without
 * a template keeps the built-in wording.
 */
export const ChannelTemplates = z.strictObject({
  down: template('down'),
  recovered: template('recovered'),
  failed: template('failed'),
  late: template('late'),
  reminder: template('reminder'),
  event: template('event'),
});
export type ChannelTemplates = z.output<typeof ChannelTemplates>;
export type ChannelTemplate = { title?: string | undefined; body?: string | undefined };

/** A channel as `PUT /channels/:name` defines it: its type, its settings (secrets included) and its templates. */
export type ChannelDefinition = {
  [T in ChannelType]: { type: T; settings: ChannelSettings<T> };
}[ChannelType] & {
  templates: ChannelTemplates;
  /** Webhook only: make a new signing secret (the old one still signs for a while). */
  rotateSecret: boolean;
};

/** What a client sends to `PUT /channels/:name`: the type, its settings beside it, and templates. */
export type ChannelInput = {
  [T in ChannelType]: { type: T } & z.input<(typeof CHANNEL_SETTINGS)[T]>;
}[ChannelType] & {
  templates?: { [K in (typeof ALERT_KINDS)[number]]?: ChannelTemplate } | undefined;
  rotateSecret?: boolean | undefined;
};

const STANDARD_WEBHOOK_SECRET = /^whsec_[A-Za-z0-9+/]+={0,2}$/;

/** A Standard Webhooks secret: `whsec_` and the base64 of at least 24 bytes (accepted from the config file only). */
export const WebhookSecret = z.unknown().transform((value, ctx) => {
  if (typeof value === 'string' && STANDARD_WEBHOOK_SECRET.test(value) && atobLength(value.slice(6)) >= 24) return value;
  ctx.addIssue({
    code: 'custom',
    message: 'secret must be whsec_ followed by the base64 of at least 24 random bytes, such as whsec_$(openssl rand -base64 32)',
  });
  return z.NEVER;
});

/** Bytes that a base64 text decodes to. */
function atobLength(base64: string): number {
  const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  return Math.floor((base64.length * 3) / 4) - padding;
}

/** Templates with only the kinds and parts given: absent ones leave no key behind. */
function withoutAbsent(templates: ChannelTemplates): ChannelTemplates {
  const kinds = Object.entries(templates).filter(([, template]) => template !== undefined) as Array<[string, ChannelTemplate]>;
  return Object.fromEntries(
    kinds.map(([kind, template]) => [kind, Object.fromEntries(Object.entries(template).filter(([, text]) => text !== undefined))]),
  );
}

function readChannel(value: unknown, ctx: z.RefinementCtx, fromConfig: boolean): ChannelDefinition | typeof z.NEVER {
  const fail = (message: string, path: PropertyKey[] = []) => {
    ctx.addIssue({ code: 'custom', message, path });
    return z.NEVER;
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail(`a channel must be a JSON object with type and its settings; received ${describeValue(value)}`);
  }
  const { type, templates, rotateSecret, ...rest } = value as Record<string, unknown>;
  if (typeof type !== 'string' || !(CHANNEL_TYPES as readonly string[]).includes(type)) {
    return fail(expectationMessage('type', `one of ${CHANNEL_TYPES.join(', ')}`, type), ['type']);
  }
  const channelType = type as ChannelType;
  let given = rest;
  let secret: string | undefined;
  if (channelType === 'webhook' && 'secret' in rest) {
    const { secret: configured, ...others } = rest;
    if (!fromConfig) {
      return fail(
        'secret is made by the server, not sent: it is in the answer of the PUT that creates the channel; send rotateSecret: true for a new one',
        ['secret'],
      );
    }
    const parsed = WebhookSecret.safeParse(configured);
    if (!parsed.success) return fail(parsed.error.issues[0]!.message, ['secret']);
    secret = parsed.data;
    given = others;
  }
  const settings = CHANNEL_SETTINGS[channelType].safeParse(given);
  const parsedTemplates = ChannelTemplates.safeParse(templates ?? {});
  const rotate = optional(flag('rotateSecret')).safeParse(rotateSecret);
  const known = Object.keys(CHANNEL_SETTINGS[channelType].shape).join(', ') || 'none';
  const issues: Array<{ message: string; path: PropertyKey[] }> = [
    ...(settings.success ? [] : settings.error.issues).map((issue) =>
      issue.code === 'unrecognized_keys'
        ? {
            message: `unknown ${issue.keys.length > 1 ? 'fields' : 'field'} ${issue.keys.join(', ')} for a ${type} channel, whose settings are: ${known}`,
            path: [],
          }
        : issue,
    ),
    ...(parsedTemplates.success ? [] : parsedTemplates.error.issues).map((issue) =>
      issue.code === 'unrecognized_keys'
        ? { message: `templates has no kind ${issue.keys.join(', ')}: its kinds are ${ALERT_KINDS.join(', ')}`, path: [] }
        : { message: issue.message, path: ['templates', ...issue.path] },
    ),
    ...(rotate.success ? [] : rotate.error.issues),
  ];
  if (rotate.success && rotate.data && channelType !== 'webhook') {
    issues.push({ message: 'rotateSecret is for webhook channels only, whose signing secret the server makes', path: ['rotateSecret'] });
  }
  for (const issue of issues) fail(issue.message, issue.path);
  if (issues.length > 0 || !settings.success || !parsedTemplates.success) return z.NEVER;
  const withSecret = secret === undefined ? settings.data : { ...settings.data, secret };
  // The cast: the settings were read by the schema of this very type.
  return {
    type: channelType,
    settings: withSecret,
    templates: withoutAbsent(parsedTemplates.data),
    rotateSecret: rotate.success ? rotate.data === true : false,
  } as ChannelDefinition;
}

/**
 * Body of `PUT /channels/:name`: `{"type", …settings, "templates"?}`. Unknown fields are
 * refused. A replacement that leaves out a secret keeps the stored one (the server adds it
 * before this schema reads the body).
 */
// The cast: a transform over unknown has no input type; this one reads ChannelInput.
export const ChannelBody = z.unknown().transform((value, ctx) => readChannel(value, ctx, false)) as unknown as z.ZodType<
  ChannelDefinition,
  ChannelInput
>;

/** A channel in the server's config file (`channels: {name: {...}}`): as the API's, and a webhook gives its `secret`. */
// The cast: as for ChannelBody.
export const ConfigChannel = z.unknown().transform((value, ctx) => readChannel(value, ctx, true)) as unknown as z.ZodType<
  ChannelDefinition,
  ChannelInput & { secret?: string }
>;

/**
 * A channel as the server reports it: its settings without any secret; `secrets` names the
 * secret settings that are set. `source` is `config` for one the config file defines (read
 * only through the API). `usedBy`: the services that name it. Times are Unix seconds.
 */
export const ChannelView = z.object({
  name: z.string(),
  type: z.enum(CHANNEL_TYPES),
  settings: z.record(z.string(), z.unknown()),
  secrets: z.array(z.string()),
  templates: z.record(z.string(), z.object({ title: z.string().optional(), body: z.string().optional() })),
  source: z.enum(CHANNEL_SOURCES),
  created: z.number(),
  updated: z.number(),
  usedBy: z.array(z.string()),
});
export type ChannelView = z.output<typeof ChannelView>;

/**
 * The body of `PUT /channels/:name` as the API reference describes it, one shape per type
 * (ChannelBody reads it). A webhook's signing secret is never sent: the server makes it.
 */
export const ChannelBodyShape = z
  .discriminatedUnion(
    'type',
    CHANNEL_TYPES.map((type) =>
      CHANNEL_SETTINGS[type].extend({
        type: z.literal(type),
        templates: ChannelTemplates.optional(),
        ...(type === 'webhook' && { rotateSecret: z.boolean().optional().meta({ description: 'make a new signing secret' }) }),
      }),
    ) as unknown as [z.ZodObject, ...z.ZodObject[]],
  )
  .meta({ description: 'A channel: its type, the settings of that type beside it, and optional templates per alert kind.' });

/** Answer of `PUT /channels/:name`; `secret` only when the server made a webhook signing secret, shown this once. */
export const PutChannelResponse = answer({
  channel: ChannelView,
  secret: z.string().optional(),
});
export type PutChannelResponse = z.output<typeof PutChannelResponse>;

export const ListChannelsResponse = answer({ channels: z.array(ChannelView) });
export type ListChannelsResponse = z.output<typeof ListChannelsResponse>;

/** Answer of `GET /channels/:name` and `DELETE /channels/:name`. */
export const ChannelResponse = answer({ channel: ChannelView });
export type ChannelResponse = z.output<typeof ChannelResponse>;

/** Answer of `POST /channels/:name/test`: what the provider answered (its HTTP status and the start of its words). */
export const TestChannelResponse = answer({ status: z.number().int(), body: z.string() });
export type TestChannelResponse = z.output<typeof TestChannelResponse>;
