import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AlertDelivery, ChannelView, Heartbeat } from '@watchtower/protocol';
import {
  call,
  type FakeProviders,
  type RecordedRequest,
  type ServerProcess,
  startFakeProviders,
  startServer,
  temporaryFolder,
} from '@watchtower/test-support';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS, useServerData } from './support/databases.js';

// End to end: the built server delivers to named channels over real HTTP to local fakes,
// and signs named webhooks with each channel's own secret, checked with the official
// Standard Webhooks library.

let fake: FakeProviders;
beforeAll(async () => {
  fake = await startFakeProviders();
});
afterAll(async () => {
  await fake?.close();
});

// The fake is shared by both databases' tests: every name is new.
const uniqueName = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

async function api<T>(server: ServerProcess, method: string, path: string, body?: unknown): Promise<T> {
  const response = await call(server, method, path, body);
  const answer = (await response.json()) as T;
  if (response.status !== 200) throw new Error(`${method} ${path} answered ${response.status}: ${JSON.stringify(answer)}`);
  return answer;
}

/** The webhook headers of a recorded request, as the library reads them. */
function webhookHeaders(request: RecordedRequest): Record<string, string> {
  const { headers } = request;
  return {
    'webhook-id': String(headers['webhook-id']),
    'webhook-timestamp': String(headers['webhook-timestamp']),
    'webhook-signature': String(headers['webhook-signature']),
  };
}

const verifies = (secret: string, request: RecordedRequest) => {
  try {
    new Webhook(secret).verify(request.rawBody, webhookHeaders(request));
    return true;
  } catch {
    return false;
  }
};

async function waitForAlerts(server: ServerProcess, service: string, done: (alerts: AlertDelivery[]) => boolean, ms = 15_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const { alerts } = await api<{ alerts: AlertDelivery[] }>(server, 'GET', `/alerts?service=${encodeURIComponent(service)}`);
    if (done(alerts)) return alerts;
    if (Date.now() > deadline) throw new Error(`the alerts of ${service} did not settle: ${JSON.stringify(alerts)}`);
    await new Promise((wait) => setTimeout(wait, 100));
  }
}

describe.each(DATABASE_KINDS)('named channels delivered by the server on %s', (kind) => {
  const data = useServerData(kind);
  const start = (env: Record<string, string> = {}) =>
    startServer({ env: { ...data.env, WATCHTOWER_ALLOW_PRIVATE_TARGETS: '1', LOG_LEVEL: 'info', ...env } });

  /** A service alerting a named webhook and a named Slack channel, both at the fake. */
  async function twoChannels(server: ServerProcess, service = uniqueName('db')) {
    const { secret } = await api<{ secret: string }>(server, 'PUT', `/channels/${service}-hook`, {
      type: 'webhook',
      url: `${fake.url}/hook/${service}`,
    });
    await api(server, 'PUT', `/channels/${service}-team`, { type: 'slack', url: `${fake.url}/slack/${service}` });
    await api(server, 'PUT', `/heartbeat/${encodeURIComponent(service)}`, { channels: [`${service}-hook`, `${service}-team`], nextIn: 1 });
    const { heartBeat } = await api<{ heartBeat: Heartbeat }>(server, 'POST', '/heartbeat', { service, nextIn: 1 });
    return { service, secret, deadlineMs: heartBeat.expected * 1000 };
  }

  it('delivers a death to each named channel within a second of the deadline, each tracked on its own', async () => {
    const server = await start();
    const { service, secret, deadlineMs } = await twoChannels(server);
    await fake.waitFor(
      'both deliveries',
      () => fake.requestsTo(`/hook/${service}`).length > 0 && fake.requestsTo(`/slack/${service}`).length > 0,
    );
    const [hook] = fake.requestsTo(`/hook/${service}`);
    const [slack] = fake.requestsTo(`/slack/${service}`);
    for (const request of [hook!, slack!]) expect(request.at - deadlineMs).toBeLessThan(1_000);
    expect(slack!.body).toMatchObject({ text: expect.stringContaining(`${service} is down`) });

    // Signed with the channel's own secret, in the Standard Webhooks envelope.
    const payload = new Webhook(secret).verify(hook!.rawBody, webhookHeaders(hook!)) as Record<string, unknown>;
    expect(payload).toMatchObject({ type: 'heartbeat.down', data: { service, status: 'dead' } });
    expect(new Date(payload.timestamp as string).getTime()).toBeGreaterThanOrEqual(deadlineMs - 1_000);
    expect(verifies(`whsec_${randomBytes(32).toString('base64')}`, hook!)).toBe(false);

    const alerts = await waitForAlerts(server, service, (all) => all.length === 2 && all.every((alert) => alert.status === 'sent'));
    expect(alerts.map((alert) => [alert.kind, alert.channel, alert.channelName]).sort()).toEqual([
      ['down', 'slack', `${service}-team`],
      ['down', 'webhook', `${service}-hook`],
    ]);
    // The log names the delivery, never the secret.
    expect(server.stdout()).not.toContain(secret.slice('whsec_'.length));
  });

  it('retries a failing channel while the other one is delivered', async () => {
    const server = await start();
    const service = uniqueName('api');
    fake.failNext(`/slack/${service}`, 2);
    await twoChannels(server, service);
    const alerts = await waitForAlerts(server, service, (all) => all.length === 2 && all.every((alert) => alert.status === 'sent'), 20_000);
    const byChannel = Object.fromEntries(alerts.map((alert) => [alert.channel, alert]));
    expect(byChannel.webhook).toMatchObject({ attempts: 1, lastError: null });
    expect(byChannel.slack).toMatchObject({ attempts: 3 });
    // The webhook went out at once, not after the Slack channel's retries.
    const [hook] = fake.requestsTo(`/hook/${service}`);
    const slack = fake.requestsTo(`/slack/${service}`);
    expect(slack.map((request) => request.answer)).toEqual([500, 500, 200]);
    expect(hook!.at).toBeLessThan(slack[2]!.at);
    expect(fake.requestsTo(`/hook/${service}`)).toHaveLength(1);
  });

  it('signs with the old and the new secret after a rotation, and a test message answers the provider status', async () => {
    const server = await start();
    const name = uniqueName('hook');
    const { secret: first } = await api<{ secret: string }>(server, 'PUT', `/channels/${name}`, {
      type: 'webhook',
      url: `${fake.url}/hook/${name}`,
    });
    const { secret: second } = await api<{ secret: string }>(server, 'PUT', `/channels/${name}`, {
      type: 'webhook',
      url: `${fake.url}/hook/${name}`,
      rotateSecret: true,
    });
    expect(second).not.toBe(first);
    const answer = await api<{ status: number; body: string }>(server, 'POST', `/channels/${name}/test`);
    expect(answer).toEqual({ result: 200, status: 200, body: '' });
    const [request] = fake.requestsTo(`/hook/${name}`);
    expect(String(request!.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verifies(first, request!)).toBe(true);
    expect(verifies(second, request!)).toBe(true);
    expect(JSON.parse(request!.rawBody)).toMatchObject({ type: 'event.alert', data: { service: 'watchtower' } });
  });

  it('takes channels from the config file, read-only through the API', async () => {
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    const name = uniqueName('pager');
    const folder = temporaryFolder('watchtower-config-');
    const file = join(folder, 'config.json');
    writeFileSync(file, JSON.stringify({ channels: { [name]: { type: 'webhook', url: `${fake.url}/hook/${name}`, secret } } }));
    const server = await start({ WATCHTOWER_CONFIG: file });
    const { channels } = await api<{ channels: ChannelView[] }>(server, 'GET', '/channels');
    expect(channels).toEqual([expect.objectContaining({ name, source: 'config', secrets: ['secret'] })]);
    expect(JSON.stringify(channels)).not.toContain(secret.slice('whsec_'.length));
    const refused = await call(server, 'PUT', `/channels/${name}`, { type: 'log' });
    expect(refused.status).toBe(409);
    await api(server, 'POST', `/channels/${name}/test`);
    const [request] = fake.requestsTo(`/hook/${name}`);
    expect(verifies(secret, request!)).toBe(true);
  });
});
