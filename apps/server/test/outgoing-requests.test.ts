import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AlertDelivery } from '@watchtower/protocol';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DeliveryError } from '../src/channels/channel.js';
import { postOrThrow } from '../src/channels/http-post.js';
import { classifyAddress, resolveWithSystem, type ConnectionPolicy, type ResolveHost } from '../src/channels/private-address.js';
import { createChannelRegistry, type ChannelRegistryOptions } from '../src/channels/registry.js';
import { renderAlert } from '../src/channels/render-alert.js';
import { createApp } from '../src/app.js';
import { ConfigSchema, type Config } from '../src/config.js';
import type { AlertRow } from '../src/db/schema.js';
import { claimOverdueHeartbeats } from '../src/domain/heartbeats/claim-overdue-heartbeats.js';
import { createSendStep } from '../src/jobs/sender.js';
import { ManualClock } from '../src/lib/clock.js';
import { silentLogger } from '../src/lib/logger.js';
import { createTestStorage, DATABASE_KINDS, type DatabaseKind } from './support/databases.js';

// Alert deliveries leave the server only for public addresses, checked on the connection
// itself. A local provider on 127.0.0.1 stands for every remote end; a scripted resolver,
// handed to the registry as its DNS, says what each test name stands for, and when.

const PASSWORD = 'test-password-123';
const PUBLIC_ADDRESS = '93.184.215.14';
const LONG_BODY = `not found\r\n\u0007${'x'.repeat(10_000)}`;

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
}

/** A provider on 127.0.0.1: 200 on /ok and /emails, the status in the path on /status/NNN, late on /slow. */
function startProvider() {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const path = request.url ?? '/';
      received.push({ path, headers: request.headers });
      const status = Number(/^\/status\/(\d{3})/.exec(path)?.[1] ?? 200);
      if (path === '/slow') {
        setTimeout(() => response.writeHead(200).end(), 2_000);
      } else if (path === '/emails') {
        response.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"e-1"}');
      } else if (status === 301) {
        response.writeHead(301, { location: '/ok' }).end();
      } else if (status === 404) {
        response.writeHead(404, { 'content-type': 'text/plain' }).end(LONG_BODY);
      } else {
        response.writeHead(status, { 'content-type': 'application/json' }).end(`{"status":${status}}`);
      }
    });
  });
  return {
    received,
    start: () => new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done())),
    stop: () => new Promise<void>((done) => server.close(() => done())),
    get port() {
      return (server.address() as AddressInfo).port;
    },
  };
}

/**
 * DNS for the tests: each scripted name answers its next entry (the last one repeats); an
 * entry that is an Error fails the look-up. Other names go to the system resolver.
 */
function scriptedResolver(script: Record<string, Array<string[] | Error>>) {
  const calls: string[] = [];
  const resolve: ResolveHost = async (host) => {
    calls.push(host);
    const answers = script[host];
    if (!answers) return resolveWithSystem(host);
    const answer = answers.length > 1 ? answers.shift()! : answers[0]!;
    if (answer instanceof Error) throw answer;
    return answer;
  };
  return { resolve, calls };
}

const dnsError = (code: string) => Object.assign(new Error(`getaddrinfo ${code}`), { code });

function webhookConfig(allowPrivateTargets: boolean): Config & { password: string } {
  const config = { ...ConfigSchema.parse({}), password: PASSWORD };
  config.alerts.webhook.secret = `whsec_${Buffer.from('k'.repeat(32)).toString('base64')}`;
  config.alerts.allowPrivateTargets = allowPrivateTargets;
  return config;
}

/** A test network in which 127.0.0.1 plays a public host (only where a test says so). */
const loopbackPlaysPublic = (address: string) =>
  address === '127.0.0.1' ? { range: 'unicast', isPublic: true } : classifyAddress(address);

const provider = startProvider();
beforeAll(() => provider.start());
afterAll(() => provider.stop());
beforeEach(() => {
  provider.received.length = 0;
});

describe.each(DATABASE_KINDS)('alert targets and deliveries with data on %s', (kind: DatabaseKind) => {
  let storage: Awaited<ReturnType<typeof createTestStorage>>;
  beforeAll(async () => {
    storage = await createTestStorage(kind);
  });
  afterAll(() => storage?.close());
  beforeEach(async () => {
    await storage.query(
      'truncate heartbeats, events, alerts, runs, api_keys, flips, server_settings, server_instances restart identity',
      [],
    );
  });

  /** The app and its sender over one registry, on a clock that moves only when told. */
  function build(allowPrivateTargets: boolean, options: ChannelRegistryOptions) {
    const clock = new ManualClock(Date.UTC(2026, 0, 1, 12));
    const config = webhookConfig(allowPrivateTargets);
    const channels = createChannelRegistry(config, silentLogger, options);
    const app = createApp({ db: storage, clock, config, log: silentLogger, channels });
    const send = createSendStep({ storage, clock, log: silentLogger, channels });
    const call = (method: string, path: string, body?: unknown) =>
      app.request(path, {
        method,
        headers: { password: PASSWORD, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const pulse = (service: string, alertTarget: string) =>
      call('POST', '/heartbeat', { service, alertType: 'webhook', alertTarget, nextIn: 10 });
    /** Lets the service die and the sender try once; the alert as the API lists it. */
    const dieAndDeliver = async (service: string): Promise<AlertDelivery> => {
      clock.advance(11);
      expect((await claimOverdueHeartbeats({ db: storage, clock })).services).toHaveLength(1);
      await send();
      const { alerts } = (await (await call('GET', `/alerts?service=${service}`)).json()) as { alerts: AlertDelivery[] };
      expect(alerts).toHaveLength(1);
      return alerts[0]!;
    };
    return { call, pulse, dieAndDeliver };
  }

  it('refuses at connection time a name that was public at pulse time and points to 127.0.0.1 at delivery', async () => {
    const dns = scriptedResolver({ 'rebind.example': [[PUBLIC_ADDRESS], ['127.0.0.1']] });
    const { pulse, dieAndDeliver } = build(false, { resolveHost: dns.resolve });
    const target = `http://rebind.example:${provider.port}/ok`;
    expect((await pulse('backup', target)).status).toBe(200);

    const alert = await dieAndDeliver('backup');
    expect(provider.received).toEqual([]);
    expect(dns.calls).toEqual(['rebind.example', 'rebind.example']);
    expect(alert).toMatchObject({ status: 'pending', attempts: 1 });
    expect(alert.lastError).toBe('no connection made: rebind.example resolves to a private or reserved address: 127.0.0.1 (loopback)');
  });

  it('refuses at pulse time a target whose name does not resolve, naming the host and the error', async () => {
    const { pulse, call } = build(false, {});
    const response = await pulse('backup', 'https://nonexistent.invalid/hook');
    expect(response.status).toBe(400);
    expect((await response.json()).hint).toBe(
      'alertTarget: nonexistent.invalid does not resolve (ENOTFOUND): an alert target must be a name that resolves to a public address',
    );
    expect(((await (await call('GET', '/heartbeats')).json()) as { heartBeats: unknown[] }).heartBeats).toEqual([]);
  });

  it('does not remember a failed look-up: a name that did not resolve is accepted once it does', async () => {
    const dns = scriptedResolver({ 'late.example': [dnsError('ENOTFOUND'), [PUBLIC_ADDRESS]] });
    const { pulse } = build(false, { resolveHost: dns.resolve });
    const first = await pulse('backup', 'https://late.example/hook');
    expect(first.status).toBe(400);
    expect((await first.json()).hint).toMatch(/^alertTarget: late\.example does not resolve \(ENOTFOUND\)/);
    expect((await pulse('backup', 'https://late.example/hook')).status).toBe(200);
  });

  it('takes a pulse whose target cannot be looked up for now (a DNS server not answering): a 4xx would lose it', async () => {
    const dns = scriptedResolver({ 'flaky.example': [dnsError('EAI_AGAIN')] });
    const { pulse, call } = build(false, { resolveHost: dns.resolve });
    expect((await pulse('backup', 'https://flaky.example/hook')).status).toBe(200);
    expect(((await (await call('GET', '/heartbeats')).json()) as { heartBeats: unknown[] }).heartBeats).toHaveLength(1);
  });

  it('refuses at pulse time a name that resolves to a private address, and says how to allow it', async () => {
    const dns = scriptedResolver({ 'intranet.example': [[PUBLIC_ADDRESS, '10.0.0.7']] });
    const { pulse } = build(false, { resolveHost: dns.resolve });
    const response = await pulse('backup', 'https://intranet.example/hook');
    expect(response.status).toBe(400);
    expect((await response.json()).hint).toBe(
      'alertTarget: intranet.example resolves to a private or reserved address: 10.0.0.7 (private); ' +
        'set WATCHTOWER_ALLOW_PRIVATE_TARGETS=1 to allow such targets',
    );
  });

  it('keeps a delivery whose name no longer resolves pending, without connecting anywhere', async () => {
    const dns = scriptedResolver({ 'gone.example': [[PUBLIC_ADDRESS], dnsError('ENOTFOUND')] });
    const { pulse, dieAndDeliver } = build(false, { resolveHost: dns.resolve });
    expect((await pulse('backup', `http://gone.example:${provider.port}/ok`)).status).toBe(200);
    const alert = await dieAndDeliver('backup');
    expect(alert).toMatchObject({ status: 'pending', lastError: 'no connection made: gone.example does not resolve (ENOTFOUND)' });
    expect(provider.received).toEqual([]);
  });

  it('keeps the status and a one-line excerpt of at most 200 characters of a public refusal', async () => {
    const dns = scriptedResolver({ 'hooks.example': [['127.0.0.1']] });
    const { pulse, dieAndDeliver } = build(false, { resolveHost: dns.resolve, classify: loopbackPlaysPublic });
    expect((await pulse('backup', `http://hooks.example:${provider.port}/status/404`)).status).toBe(200);
    const alert = await dieAndDeliver('backup');
    expect(provider.received.map((r) => r.path)).toEqual(['/status/404']);
    // A 404 will never succeed: the sender gives up at once and says so.
    const prefix = `gave up: the provider refused permanently: hooks.example:${provider.port} answered 404: `;
    expect(alert.lastError!.startsWith(`${prefix}not found x`)).toBe(true);
    expect(Array.from(alert.lastError!.slice(prefix.length))).toHaveLength(200);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: asserts that no control character is left
    expect(alert.lastError).not.toMatch(/[\u0000-\u001f]/);
  });

  it('keeps only the status of a refusal from a private address, when private targets are allowed', async () => {
    const { pulse, dieAndDeliver } = build(true, {});
    expect((await pulse('backup', `http://127.0.0.1:${provider.port}/status/404`)).status).toBe(200);
    const alert = await dieAndDeliver('backup');
    expect(provider.received.map((r) => r.path)).toEqual(['/status/404']);
    expect(alert.lastError).toBe(`gave up: the provider refused permanently: 127.0.0.1:${provider.port} answered 404`);
  });
});

describe('a delivery over a checked connection', () => {
  const alert: AlertRow = {
    id: 'a6f5e3c0-0000-4000-8000-000000000001',
    kind: 'down',
    service: 'backup',
    channel: 'webhook',
    target: '',
    channelName: null,
    details: { last: 1_767_268_800, expected: 1_767_268_810, nextIn: 10 },
    status: 'pending',
    attempts: 0,
    nextAttemptAt: new Date(Date.UTC(2026, 0, 1, 12)),
    lastError: null,
    claimToken: null,
    createdAt: new Date(Date.UTC(2026, 0, 1, 12, 0, 11)),
    sentAt: null,
  };

  /** What a webhook delivery to `target` threw, or null when it was taken. */
  async function deliverWebhook(target: string, options: ChannelRegistryOptions, allowPrivateTargets = false) {
    const channels = createChannelRegistry(webhookConfig(allowPrivateTargets), silentLogger, options);
    const row = { ...alert, target };
    try {
      await channels.get('webhook')!.deliver(row, renderAlert(row), channels.context);
      return null;
    } catch (error) {
      return error as DeliveryError;
    }
  }

  const publicHost = { resolveHost: scriptedResolver({ 'hooks.example': [['127.0.0.1']] }).resolve, classify: loopbackPlaysPublic };

  it.each([
    [404, true],
    [410, true],
    [401, true],
    [422, true],
    [503, false],
    [500, false],
    [429, false],
    [408, false],
  ])('makes a %i a permanent failure: %s', async (status, permanent) => {
    const error = await deliverWebhook(`http://hooks.example:${provider.port}/status/${status}`, publicHost);
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error!.message).toMatch(new RegExp(`^hooks\\.example:${provider.port} answered ${status}`));
    expect(error!.permanent).toBe(permanent);
  });

  it('does not follow a redirect, and calls a permanent one permanent', async () => {
    const error = await deliverWebhook(`http://hooks.example:${provider.port}/status/301`, publicHost);
    expect(error).toMatchObject({ message: `hooks.example:${provider.port} answered 301 (redirects are not followed)`, permanent: true });
    expect(provider.received.map((r) => r.path)).toEqual(['/status/301']);
  });

  it('makes a network failure worth a retry', async () => {
    const closed = startProvider();
    await closed.start();
    const port = closed.port;
    await closed.stop();
    const error = await deliverWebhook(`http://hooks.example:${port}/ok`, publicHost);
    expect(error).toMatchObject({ message: `no answer from hooks.example:${port}: ECONNREFUSED`, permanent: false });
  });

  it('gives up on a provider that does not answer in time, worth a retry', async () => {
    const error = await deliverWebhook(`http://hooks.example:${provider.port}/slow`, { ...publicHost, timeoutMs: 300 });
    expect(error).toMatchObject({ message: `hooks.example:${provider.port} did not answer within 300 ms`, permanent: false });
  });

  it.each([
    ['http://127.0.0.1:PORT/ok', '127.0.0.1 is a private or reserved address (loopback)'],
    ['http://[::ffff:127.0.0.1]:PORT/ok', '::ffff:7f00:1 is a private or reserved address (loopback)'],
    ['http://[::1]:PORT/ok', '::1 is a private or reserved address (loopback)'],
    ['http://localhost:PORT/ok', 'localhost is a loopback name'],
  ])('refuses %s as it connects, though it never passed a pulse-time check', async (target, why) => {
    const error = await deliverWebhook(target.replace('PORT', String(provider.port)), {});
    expect(error).toMatchObject({ message: `no connection made: ${why}`, permanent: false });
    expect(provider.received).toEqual([]);
  });

  it('delivers to a private address when private targets are allowed', async () => {
    expect(await deliverWebhook(`http://127.0.0.1:${provider.port}/ok`, {}, true)).toBeNull();
    expect(provider.received.map((r) => r.path)).toEqual(['/ok']);
  });

  it('checks the address of a Resend base URL as it connects', async () => {
    const dns = scriptedResolver({ 'mail.example': [['127.0.0.1']] });
    const config = webhookConfig(false);
    config.alerts.email = { resendApiKey: 're_test', resendBaseUrl: `http://mail.example:${provider.port}`, from: 'w@example.com' };
    const channels = createChannelRegistry(config, silentLogger, { resolveHost: dns.resolve });
    const row = { ...alert, channel: 'email', target: 'ops@example.com' };
    const error = await channels
      .get('email')!
      .deliver(row, renderAlert(row), channels.context)
      .catch((e: DeliveryError) => e);
    expect(error).toMatchObject({
      message: 'no connection made: mail.example resolves to a private or reserved address: 127.0.0.1 (loopback)',
      permanent: false,
    });
    expect(provider.received).toEqual([]);
  });

  it('sends e-mail through a Resend base URL whose address is allowed', async () => {
    const dns = scriptedResolver({ 'mail.example': [['127.0.0.1']] });
    const config = webhookConfig(false);
    config.alerts.email = { resendApiKey: 're_test', resendBaseUrl: `http://mail.example:${provider.port}`, from: 'w@example.com' };
    const channels = createChannelRegistry(config, silentLogger, { resolveHost: dns.resolve, classify: loopbackPlaysPublic });
    const row = { ...alert, channel: 'email', target: 'ops@example.com' };
    await channels.get('email')!.deliver(row, renderAlert(row), channels.context);
    expect(provider.received.map((r) => [r.path, r.headers['idempotency-key']])).toEqual([['/emails', alert.id]]);
  });

  it('refuses any loopback address, not only 127.0.0.1', async () => {
    const policy: ConnectionPolicy = { resolveHost: resolveWithSystem, allowPrivateTargets: false, classify: classifyAddress };
    const error = await postOrThrow(
      new URL(`http://127.0.0.2:${provider.port}/ok`),
      { body: '{}', headers: {} },
      { timeoutMs: 5_000, connections: policy },
    ).catch((e: DeliveryError) => e);
    expect(error).toMatchObject({ message: 'no connection made: 127.0.0.2 is a private or reserved address (loopback)' });
  });
});
