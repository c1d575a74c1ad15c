import { isIP } from 'node:net';
import type { SendMailOptions } from 'nodemailer';
import addressparser from 'nodemailer/lib/addressparser';
import type { AlertRow } from '../db/schema.js';
import { toneOf } from './alert-tone.js';
import type { ChannelKind, DeliveryContext, DeliveryError, ProviderAnswer } from './channel.js';
import { createDeliveryError, excerptOf } from './http-post.js';
import type { Markup } from './markup.js';
import { resolveTarget } from './private-address.js';
import type { RenderedAlert } from './render-alert.js';

export interface SmtpSettings {
  /** The SMTP server's host name (or IP address). */
  host: string;
  /** 465 with `secure`, 587 otherwise, when not set. */
  port?: number;
  /** TLS from the first byte (port 465); otherwise STARTTLS, used whenever the server offers it. */
  secure?: boolean;
  /** The login, when the server asks for one: both or neither. Never sent unencrypted. */
  user?: string;
  password?: string;
  /** The sender: `ops@example.com` or `Watchtower <ops@example.com>`. */
  from: string;
  /** One address, several separated by commas, or a list. */
  to: string | string[];
}

/** How a template for this channel writes: HTML, for the HTML part; the text part is read from it. */
export const smtpMarkup: Markup = 'html';

export interface SmtpKindOptions {
  /** Certificate authorities trusted beyond the system's ones (a test's own, say). */
  ca?: string | Buffer;
}

const HOST_NAME = /^(?=.{1,253}\.?$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;
const ADDRESS = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/;
const MAX_RECIPIENTS = 50;

const portOf = (settings: Pick<SmtpSettings, 'port' | 'secure'>) => settings.port ?? (settings.secure ? 465 : 587);
const hostOf = (host: string) => host.replace(/^\[|\]$/g, '');

/** The mailboxes in an address field, or null when any part is not one plain address. */
function mailboxesOf(field: string): string[] | null {
  const parsed = addressparser(field, { flatten: true });
  if (parsed.length === 0 || parsed.some((entry) => !ADDRESS.test(entry.address) || entry.address.length > 254)) return null;
  return parsed.map((entry) => entry.address);
}

function recipientsOf(to: unknown): string[] | null {
  const fields = Array.isArray(to) ? to : [to];
  if (fields.length === 0 || fields.some((field) => typeof field !== 'string')) return null;
  const all: string[] = [];
  for (const field of fields as string[]) {
    const mailboxes = mailboxesOf(field);
    if (!mailboxes) return null;
    all.push(...mailboxes);
  }
  return all;
}

function problemWithServer(settings: SmtpSettings): string | null {
  if (typeof settings.host !== 'string' || !(HOST_NAME.test(settings.host) || isIP(hostOf(settings.host)))) {
    return "host must be the SMTP server's host name, without a scheme or port, such as smtp.example.com";
  }
  if (settings.port !== undefined && !(Number.isInteger(settings.port) && settings.port >= 1 && settings.port <= 65_535)) {
    return 'port must be a whole number from 1 to 65535 (465 for secure, 587 for STARTTLS)';
  }
  if (settings.secure !== undefined && typeof settings.secure !== 'boolean') return 'secure must be true or false';
  const hasUser = settings.user !== undefined && settings.user !== '';
  const hasPassword = settings.password !== undefined && settings.password !== '';
  if (hasUser !== hasPassword) return 'user and password go together: set both, or neither';
  if (hasUser && (typeof settings.user !== 'string' || typeof settings.password !== 'string')) return 'user and password must be text';
  return null;
}

function problemWithAddresses(settings: SmtpSettings): string | null {
  if (typeof settings.from !== 'string' || mailboxesOf(settings.from)?.length !== 1) {
    return 'from must be one e-mail address, such as watchtower@example.com or "Watchtower <watchtower@example.com>"';
  }
  const recipients = recipientsOf(settings.to);
  if (!recipients) return 'to must be an e-mail address such as ops@example.com, several separated by commas, or a list of them';
  if (recipients.length > MAX_RECIPIENTS) return `to may name at most ${MAX_RECIPIENTS} addresses; received ${recipients.length}`;
  return null;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decodeEntity(entity: string, name: string): string {
  if (name.startsWith('#x') || name.startsWith('#X')) return String.fromCodePoint(Number.parseInt(name.slice(2), 16) || 0xfffd);
  if (name.startsWith('#')) return String.fromCodePoint(Number(name.slice(1)) || 0xfffd);
  return ENTITIES[name.toLowerCase()] ?? entity;
}

/** What an HTML fragment reads as plain text: breaks and paragraphs become lines, tags go, entities are decoded. */
export function textOfHtml(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|h[1-6]|tr|blockquote|pre)>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#\d{1,7}|#x[0-9a-f]{1,6}|[a-z]+);/gi, decodeEntity)
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

const oneLine = (text: string) => text.replace(/[\r\n\t]+/g, ' ').trim();

/** The message: subject, text and HTML parts, a Message-ID stable across retries, and headers that stop auto-replies. */
function mailOf(alert: AlertRow, message: RenderedAlert, settings: SmtpSettings): SendMailOptions {
  const { templated } = message;
  const sender = mailboxesOf(settings.from)![0]!;
  return {
    from: settings.from,
    to: recipientsOf(settings.to)!,
    subject: oneLine(templated ? textOfHtml(templated.title) : message.title),
    text: templated ? textOfHtml(templated.body) : message.text,
    html: templated ? templated.body : message.html,
    messageId: `<${alert.id}@${sender.split('@')[1]}>`,
    priority: toneOf(alert) === 'bad' ? 'high' : 'normal',
    headers: { 'Auto-Submitted': 'auto-generated', 'X-Watchtower-Alert': alert.kind },
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}

// Node's words for a certificate or handshake it refused, which nodemailer reports as a socket error.
const TLS_FAILURE = /certificate|altnames|self[- ]signed|handshake|\bTLS\b|\bSSL\b/i;

interface SmtpFailure {
  code?: string;
  responseCode?: number;
  response?: string;
  message?: string;
}

/** What the usual ports expect, when the settings ask otherwise: the commonest cause of a hang or a garbled handshake. */
function portHint({ port, secure }: { port: number; secure: boolean }): string {
  if (port === 465 && !secure) return ' (port 465 usually wants TLS at once: secure true)';
  if ((port === 587 || port === 25) && secure) return ` (port ${port} usually speaks STARTTLS: secure false)`;
  return '';
}

export interface SmtpAttempt {
  where: string;
  port: number;
  secure: boolean;
  /** Whether a login was set: then STARTTLS was required. */
  login: boolean;
  /** Whether the server's words may be kept (it is at a public address). */
  showWords: boolean;
  timeoutMs: number;
}

/** The DeliveryError for what the SMTP conversation failed with: a 5xx reply is permanent, a 4xx reply or a broken connection is not. */
export function smtpFailure(error: unknown, { where, login, showWords, timeoutMs, ...ports }: SmtpAttempt): DeliveryError {
  const { code, responseCode, response, message } = (error ?? {}) as SmtpFailure;
  if (typeof responseCode === 'number' && responseCode >= 200) {
    const words = showWords && response ? `: ${excerptOf(response)}` : '';
    const what = code === 'EAUTH' ? 'refused the login' : code === 'ETLS' ? 'refused STARTTLS' : 'answered';
    const why = code === 'ETLS' && login ? ' (a login is never sent unencrypted)' : '';
    return createDeliveryError(`${where} ${what} ${responseCode}${why}${words}`, { permanent: responseCode >= 500 && responseCode < 600 });
  }
  const words = showWords && message ? `: ${excerptOf(message)}` : '';
  if (code === 'ETLS' || (code === 'ESOCKET' && message && TLS_FAILURE.test(message))) {
    return createDeliveryError(`TLS with ${where} failed${portHint(ports)}${words}`);
  }
  if (code === 'ETIMEDOUT') return createDeliveryError(`${where} did not answer within ${timeoutMs} ms${portHint(ports)}`);
  if (code === 'EABORT') return createDeliveryError(`${where} did not finish the conversation in time`);
  // A refusal from this side, before the server had a say: no retry changes it.
  const permanent = code === 'ENOAUTH' || code === 'ECONFIG' || code === 'EENVELOPE' || code === 'EAUTH';
  return createDeliveryError(`no answer from ${where}: ${code ?? 'error'}${words}`, { permanent });
}

async function sendOnce(
  { alert, message, settings }: { alert: AlertRow; message: RenderedAlert; settings: SmtpSettings },
  { timeoutMs, connections: policy, log }: DeliveryContext,
  options: SmtpKindOptions,
): Promise<ProviderAnswer> {
  const host = hostOf(settings.host);
  const port = portOf(settings);
  const where = `${host}:${port}`;
  let address: string;
  try {
    // The connection goes to this checked address; the name is kept for the certificate check.
    // The cast: resolveTarget throws rather than answer no address.
    [address] = (await resolveTarget(host, policy)) as [string];
  } catch (error) {
    throw createDeliveryError(`no connection made: ${(error as Error).message}`);
  }
  const showWords = policy.classify(address).isPublic;
  const auth = settings.user ? { user: settings.user, pass: settings.password ?? '' } : undefined;
  // Loaded on the first e-mail: most servers never send one, and it costs memory from start.
  const { createTransport } = await import('nodemailer');
  const transport = createTransport({
    host: address,
    port,
    secure: settings.secure === true,
    servername: isIP(host) ? undefined : host,
    // Credentials never travel unencrypted: with a login, STARTTLS is a must.
    requireTLS: auth !== undefined,
    auth,
    tls: { minVersion: 'TLSv1.2', ...(options.ca ? { ca: options.ca } : {}) },
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    dnsTimeout: timeoutMs,
    logger: false,
  });
  try {
    // Each step has timeoutMs; the whole conversation gets three times that.
    const info = await transport.sendMail({ ...mailOf(alert, message, settings), signal: AbortSignal.timeout(3 * timeoutMs) });
    if (info.rejected.length > 0) {
      log.warn({ alertId: alert.id, rejected: info.rejected, accepted: info.accepted }, 'alert.recipients_refused');
    }
    const status = Number(/^\d{3}/.exec(info.response)?.[0] ?? 250);
    return { status, body: showWords ? excerptOf(info.response) : '' };
  } catch (error) {
    throw smtpFailure(error, { where, port, secure: settings.secure === true, login: auth !== undefined, showWords, timeoutMs });
  } finally {
    transport.close();
  }
}

/**
 * SMTP: one message with a text and an HTML part, over TLS from the start (`secure`) or
 * STARTTLS when the server offers it. The server's name is resolved and checked here, and
 * the connection made to the checked address, its certificate checked against the name.
 */
export function createSmtpKind(options: SmtpKindOptions = {}): ChannelKind<SmtpSettings> {
  return {
    type: 'smtp',
    checkSettings: async (settings, { checkAddress }) => {
      const problem = problemWithServer(settings) ?? problemWithAddresses(settings);
      if (problem) return problem;
      const host = hostOf(settings.host);
      try {
        await checkAddress(new URL(`smtp://${isIP(host) === 6 ? `[${host}]` : host}:${portOf(settings)}`));
      } catch (error) {
        return `host: ${(error as Error).message}`;
      }
      return null;
    },
    deliver: (delivery, context) => sendOnce(delivery, context, options),
  };
}

export const smtpKind: ChannelKind<SmtpSettings> = createSmtpKind();
