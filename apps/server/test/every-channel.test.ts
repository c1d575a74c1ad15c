import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { CHANNEL_TYPES, type AlertDelivery, type ChannelType, type Heartbeat } from '@watchtower/protocol';
import { call, type ServerProcess, startServer } from '@watchtower/test-support';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS, useServerData } from './support/databases.js';
import { type RecordingProvider, type ScriptedAnswer, startRecordingProvider } from './support/scripted-provider.js';

// End to end, every channel type at once: the built server, with its own sweeper and
// sender, delivers one service's death and recovery to a named channel of each type, each
// pointing at a local fake of its provider that answers as the real one does on success.

type HttpType = Exclude<ChannelType, 'smtp' | 'log'>;

const json = (status: number, body: unknown): ScriptedAnswer => ({ status, body: JSON.stringify(body) });

/** What each provider answers to a message it took, as its documentation shows. */
const ANSWERS: Record<HttpType, ScriptedAnswer> = {
  ntfy: json(200, { id: 'hwQ2YpKdmg', time: 1_767_225_600, event: 'message', topic: 'alerts', message: 'down' }),
  gotify: json(200, { id: 25, appid: 5, message: 'down', title: 'down', priority: 8, date: '2026-01-01T00:00:00Z' }),
  // Without ?wait=true a Discord webhook answers 204 and no body.
  discord: { status: 204 },
  telegram: json(200, { ok: true, result: { message_id: 7, date: 1_767_225_600, chat: { id: -1001234567890, type: 'supergroup' } } }),
  // A Teams Workflows URL takes the card and answers 202.
  teams: { status: 202 },
  matrix: json(200, { event_id: '$YUwRidLecu:example.org' }),
  pagerduty: json(202, { status: 'success', message: 'Event processed', dedup_key: 'from-the-request' }),
  opsgenie: json(202, { result: 'Request will be processed', took: 0.2, requestId: '43a29c5c-3dbf-4fa4-9c26-f4f71023e120' }),
  webhook: { status: 204 },
  slack: { status: 200, body: 'ok', headers: { 'content-type': 'text/plain' } },
  pushover: json(200, { status: 1, request: '647d2300-702c-4b38-8b2f-d56326ae460b' }),
  email: json(200, { id: '49a3999c-0ce1-4ea6-ab68-afcd6dc2e794' }),
};
const HTTP_TYPES = Object.keys(ANSWERS) as HttpType[];

/** A message as the SMTP fake took it. */
interface Mail {
  from: string;
  to: string[];
  data: string;
  at: number;
}

interface FakeSmtp {
  port: number;
  mails: Mail[];
  close(): Promise<void>;
}

async function startSmtp(): Promise<FakeSmtp> {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    // Plain SMTP: a test certificate would not pass the server's certificate check.
    disabledCommands: ['STARTTLS'],
    logger: false,
    // The client's name is not looked up: that alone can take a second.
    disableReverseLookup: true,
    onData: (stream, session, done) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const { mailFrom, rcptTo } = session.envelope;
        mails.push({
          from: mailFrom ? mailFrom.address : '',
          to: rcptTo.map((rcpt) => rcpt.address),
          data: Buffer.concat(chunks).toString('utf8'),
          at: Date.now(),
        });
        done();
      });
    },
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', () => listening()));
  return {
    port: (server.server.address() as AddressInfo).port,
    mails,
    close: () => new Promise<void>((closed) => server.close(() => closed())),
  };
}

const alphanumeric = (length: number) => randomBytes(length).toString('hex').slice(0, length);
const PUSHOVER_USER = alphanumeric(30);
const PAGERDUTY_KEY = alphanumeric(32);

let fakes: Record<HttpType, RecordingProvider>;
let smtp: FakeSmtp;
beforeAll(async () => {
  const started = await Promise.all(HTTP_TYPES.map(async (type) => [type, await startRecordingProvider()] as const));
  for (const [type, fake] of started) fake.answerAlways(ANSWERS[type]);
  fakes = Object.fromEntries(started) as Record<HttpType, RecordingProvider>;
  smtp = await startSmtp();
});
afterAll(async () => {
  await Promise.all(Object.values(fakes ?? {}).map((fake) => fake.close()));
  await smtp?.close();
});

/** The settings of a channel of each type, each at its own fake. */
function settingsOf(type: ChannelType): Record<string, unknown> {
  const at = (path = '') => `${fakes[type as HttpType].url}${path}`;
  switch (type) {
    case 'smtp':
      return { host: '127.0.0.1', port: smtp.port, from: 'Watchtower <watchtower@example.com>', to: 'ops@example.com' };
    case 'ntfy':
      return { url: at('/alerts') };
    case 'gotify':
      return { url: at(), token: 'AWx3LUr7C8hHbpM' };
    case 'discord':
      return { url: at('/api/webhooks/123456789012345678/hook-Token_1') };
    case 'telegram':
      return { token: `123456789:AAE${alphanumeric(32)}`, chatId: '-1001234567890', apiUrl: at() };
    case 'teams':
      return { url: at('/workflows/triggers/manual/paths/invoke?sig=abc') };
    case 'matrix':
      return { homeserver: at(), room: '!ops:example.org', token: 'syt_d2F0Y2h0b3dlcg_token' };
    case 'pagerduty':
      return { routingKey: PAGERDUTY_KEY, eventsUrl: at('/v2/enqueue') };
    case 'opsgenie':
      return { apiKey: 'eb243592-faa2-4ba2-a551q-1afdf565c889', apiUrl: at() };
    case 'webhook':
      return { url: at('/receiver') };
    case 'slack':
      return { url: at('/services/T000/B000/XXXX') };
    case 'pushover':
      return { user: PUSHOVER_USER };
    case 'email':
      return { to: 'ops@example.com' };
    case 'log':
      return { label: 'ops' };
  }
}

/** When each channel received something that names `service` (for the log channel, the line it wrote); undefined while not. */
function receipts(server: ServerProcess, service: string, matches: (text: string) => boolean = () => true): Record<ChannelType, number[]> {
  const named = (text: string) => text.includes(service) && matches(text);
  const http = HTTP_TYPES.map((type) => [type, fakes[type].requests.filter((r) => named(r.body)).map((r) => r.at)]);
  // The named log channel's line: its label, the service, and the alert's words.
  const logLines = server
    .stdout()
    .split('\n')
    .filter((line) => line.includes(`"channel":"${service}-log"`))
    .map((line) => JSON.parse(line) as { label?: string; channel?: string; service?: string; time: string; msg: string; text: string })
    .filter((entry) => entry.label === 'ops' && entry.channel === `${service}-log` && named(`${entry.msg}\n${entry.text}`))
    .map((entry) => new Date(entry.time).getTime());
  return Object.fromEntries([
    ...http,
    ['smtp', smtp.mails.filter((mail) => named(mail.data)).map((mail) => mail.at)],
    ['log', logLines],
  ]) as Record<ChannelType, number[]>;
}

async function until<T>(what: string, probe: () => T | undefined, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`waited ${ms} ms for ${what}`);
    // Not too often: the fakes answer on this same event loop.
    await new Promise((wait) => setTimeout(wait, 50));
  }
}

async function api<T>(server: ServerProcess, method: string, path: string, body?: unknown): Promise<T> {
  const response = await call(server, method, path, body);
  const answer = (await response.json()) as T;
  if (response.status !== 200) throw new Error(`${method} ${path} answered ${response.status}: ${JSON.stringify(answer)}`);
  return answer;
}

const sentAlerts = async (server: ServerProcess, service: string) =>
  (await api<{ alerts: AlertDelivery[] }>(server, 'GET', `/alerts?service=${service}`)).alerts.filter((alert) => alert.status === 'sent');

describe.each(DATABASE_KINDS)('a death and a recovery through every channel type on %s', (kind) => {
  const data = useServerData(kind);
  const start = () =>
    startServer({
      env: {
        ...data.env,
        WATCHTOWER_ALLOW_PRIVATE_TARGETS: '1',
        LOG_LEVEL: 'info',
        PUSHOVER_TOKEN: alphanumeric(30),
        PUSHOVER_API_URL: fakes.pushover.url,
        RESEND_API_KEY: 're_test_key',
        RESEND_BASE_URL: fakes.email.url,
        WATCHTOWER_MAIL_FROM: 'watchtower@example.com',
      },
    });

  /** One named channel of each type, and a service naming them all, which pulses once with nextIn 1. */
  async function serviceOnEveryChannel(server: ServerProcess) {
    const service = `svc${alphanumeric(10)}`;
    for (const type of CHANNEL_TYPES) await api(server, 'PUT', `/channels/${service}-${type}`, { type, ...settingsOf(type) });
    const channels = CHANNEL_TYPES.map((type) => `${service}-${type}`);
    await api(server, 'PUT', `/heartbeat/${service}`, { channels, nextIn: 1 });
    const { heartBeat } = await api<{ heartBeat: Heartbeat }>(server, 'POST', '/heartbeat', { service, nextIn: 1 });
    return { service, deadlineMs: heartBeat.expected * 1000 };
  }

  it('reaches each of the 14 channel types within a second of the deadline, and each gets the recovery', async () => {
    expect(CHANNEL_TYPES).toHaveLength(14);
    const server = await start();
    const { service, deadlineMs } = await serviceOnEveryChannel(server);

    const deaths = await until('the death at every channel', () => {
      const got = receipts(server, service);
      return CHANNEL_TYPES.every((type) => got[type].length > 0) ? got : undefined;
    });
    const lateness = Object.fromEntries(CHANNEL_TYPES.map((type) => [type, deaths[type][0]! - deadlineMs]));
    for (const type of CHANNEL_TYPES) {
      expect(
        lateness[type],
        `${type} received the death ${lateness[type]} ms after the deadline (all: ${JSON.stringify(lateness)})`,
      ).toBeLessThan(1_000);
      expect(lateness[type], `${type} received the death before the deadline`).toBeGreaterThanOrEqual(-50);
    }
    const [trigger] = fakes.pagerduty.requests.filter((r) => r.body.includes(service));
    expect(trigger!.json).toMatchObject({ event_action: 'trigger', dedup_key: `watchtower:${service}`, routing_key: PAGERDUTY_KEY });
    const [created] = fakes.opsgenie.requests.filter((r) => r.body.includes(service));
    expect(created).toMatchObject({ method: 'POST', path: '/v2/alerts', json: { alias: `watchtower:${service}`, priority: 'P1' } });
    const sent = await waitForSent(server, service, 14);
    expect(sent.map((alert) => alert.channelName).sort()).toEqual(CHANNEL_TYPES.map((type) => `${service}-${type}`).sort());

    // The pulse that brings it back: every channel hears of it.
    await api(server, 'POST', '/heartbeat', { service, nextIn: 60 });
    await waitForSent(server, service, 28);
    const resolves = fakes.pagerduty.requests.filter((r) => r.body.includes('"resolve"') && r.body.includes(service));
    expect(resolves[0]!.json).toEqual({ routing_key: PAGERDUTY_KEY, event_action: 'resolve', dedup_key: `watchtower:${service}` });
    const closes = fakes.opsgenie.requests.filter((r) => r.path.includes('/close') && r.path.includes(service));
    expect(closes[0]!.path).toBe(`/v2/alerts/${encodeURIComponent(`watchtower:${service}`)}/close?identifierType=alias`);
    const back = receipts(server, service, (text) => /pulsing again|recovered/i.test(text));
    for (const type of CHANNEL_TYPES.filter((t) => t !== 'pagerduty' && t !== 'opsgenie')) {
      expect(back[type].length, `${type} got no recovery`).toBeGreaterThan(0);
    }
  }, 60_000);

  it('retries the one provider that fails while every other one gets the death once', async () => {
    const server = await start();
    fakes.gotify.answerNext({ status: 500, body: '{"error":"Internal Server Error","errorCode":500}' });
    fakes.gotify.answerNext({ status: 500, body: '{"error":"Internal Server Error","errorCode":500}' });
    const { service } = await serviceOnEveryChannel(server);
    const alerts = await waitForSent(server, service, 14, 20_000);
    const byType = Object.fromEntries(alerts.map((alert) => [alert.channel, alert]));
    expect(byType.gotify).toMatchObject({ attempts: 3 });
    for (const type of CHANNEL_TYPES.filter((t) => t !== 'gotify')) {
      expect(byType[type], type).toMatchObject({ attempts: 1, lastError: null });
    }
    const got = receipts(server, service);
    expect(got.gotify).toHaveLength(3);
    for (const type of CHANNEL_TYPES.filter((t) => t !== 'gotify')) expect(got[type], type).toHaveLength(1);
    // The others went out at once, not after the failing provider's retries.
    expect(Math.max(...CHANNEL_TYPES.filter((t) => t !== 'gotify').map((type) => got[type][0]!))).toBeLessThan(got.gotify[2]!);
  }, 60_000);
});

async function waitForSent(server: ServerProcess, service: string, count: number, ms = 10_000): Promise<AlertDelivery[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const sent = await sentAlerts(server, service);
    if (sent.length >= count) return sent;
    if (Date.now() > deadline) {
      const all = await api<{ alerts: AlertDelivery[] }>(server, 'GET', `/alerts?service=${service}`);
      throw new Error(`${sent.length} of ${count} alerts of ${service} sent after ${ms} ms: ${JSON.stringify(all.alerts)}`);
    }
    await new Promise((wait) => setTimeout(wait, 100));
  }
}
