import { Writable } from 'node:stream';
import type { AlertDelivery, ChannelView, Heartbeat } from '@watchtower/protocol';
import { startFakeProviders, type FakeProviders } from '@watchtower/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { createChannelRegistry } from '../src/channels/registry.js';
import { ConfigSchema, type Config } from '../src/config.js';
import { syncConfigChannels } from '../src/domain/channels/sync-config-channels.js';
import { claimOverdueHeartbeats } from '../src/domain/heartbeats/claim-overdue-heartbeats.js';
import { createSendStep } from '../src/jobs/sender.js';
import { createLogger } from '../src/lib/logger.js';
import { DATABASE_KINDS } from './support/databases.js';
import { PASSWORD, useTestApp } from './support/test-app.js';

const PUSHOVER_TOKEN = 'ChannelTokenOfThirtyCharacters';
const USER_KEY = 'uQiRzpo4DXghDmr9QzzfQu27cmVRsG';

/** Every line the server logged, as written. */
const logged: string[] = [];
const log = createLogger(
  'debug',
  new Writable({
    write(chunk, _encoding, done) {
      logged.push(String(chunk));
      done();
    },
  }),
);

let fake: FakeProviders;
beforeAll(async () => {
  fake = await startFakeProviders();
});
afterAll(async () => {
  await fake?.close();
});

function configure(config: Config): void {
  config.alerts.allowPrivateTargets = true;
  config.alerts.pushover.apiUrl = fake.url;
}

describe.each(DATABASE_KINDS)('named channels on %s', (kind) => {
  const t = useTestApp(kind, { configure, log });
  const json = async <T>(response: Response) => ({ status: response.status, body: (await response.json()) as T });
  const put = (name: string, body: unknown) => t.call('PUT', `/channels/${name}`, body).then(json<Record<string, unknown>>);
  const list = async () => (await json<{ channels: ChannelView[] }>(await t.call('GET', '/channels'))).body.channels;
  const ctx = () => ({ db: t.storage, clock: t.clock });

  describe('definitions', () => {
    it('creates, lists, replaces and deletes a channel', async () => {
      const created = await put('ops-log', { type: 'log', label: 'ops', templates: { down: { title: '{{service}} died' } } });
      expect(created.status).toBe(200);
      expect(created.body.channel).toMatchObject({
        name: 'ops-log',
        type: 'log',
        settings: { label: 'ops' },
        secrets: [],
        templates: { down: { title: '{{service}} died' } },
        source: 'api',
        usedBy: [],
      });
      expect((await put('ops-log', { type: 'log', label: 'night' })).body.channel).toMatchObject({
        settings: { label: 'night' },
        templates: {},
      });
      expect((await list()).map((channel) => [channel.name, channel.settings])).toEqual([['ops-log', { label: 'night' }]]);
      expect((await t.call('GET', '/channels/ops-log')).status).toBe(200);
      expect((await t.call('DELETE', '/channels/ops-log')).status).toBe(200);
      expect(await list()).toEqual([]);
      const missing = await json<{ hint: string; code: string }>(await t.call('GET', '/channels/ops-log'));
      expect(missing).toMatchObject({
        status: 404,
        body: { code: 'NOT_FOUND', hint: 'no channel named "ops-log"; GET /channels lists them' },
      });
    });

    it.each([
      [
        { type: 'sms', to: '+33' },
        'type must be one of smtp, ntfy, gotify, discord, telegram, teams, matrix, pagerduty, opsgenie, webhook, slack, pushover, email, log; received the string "sms"',
      ],
      [{ type: 'pagerduty' }, 'routingKey is required: 1 to 100 printable characters without spaces'],
      [
        { type: 'slack', url: 'hooks.slack.com/services/x' },
        'url must be the Slack incoming webhook URL (at most 2048 characters); received the string "hooks.slack.com/services/x"',
      ],
      [
        { type: 'slack', url: 'https://hooks.slack.example/x', extra: 1 },
        'unknown field extra for a slack channel, whose settings are: url',
      ],
    ])('refuses %j with a 400 that says why, and stores nothing', async (body, hint) => {
      const answer = await put('bad', body);
      expect(answer).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED', hint } });
      expect(await list()).toEqual([]);
    });

    it('refuses a name that is no short name', async () => {
      expect((await put('a b', { type: 'log' })).status).toBe(400);
    });

    it('refuses a URL on a private address unless the server allows them', async () => {
      const strict = { ...ConfigSchema.parse({}), password: PASSWORD };
      const app = createApp({ db: t.storage, clock: t.clock, config: strict, log });
      const call = (name: string, url: string) =>
        app.request(`/channels/${name}`, {
          method: 'PUT',
          headers: { password: PASSWORD, 'content-type': 'application/json' },
          body: JSON.stringify({ type: 'webhook', url }),
        });
      const refused = await json<{ hint: string }>(await call('inside', 'http://10.1.2.3/hook'));
      expect(refused.status).toBe(400);
      expect(refused.body.hint).toContain('WATCHTOWER_ALLOW_PRIVATE_TARGETS=1');
      expect(await list()).toEqual([]);
      // The test app allows them.
      expect((await put('inside', { type: 'webhook', url: 'http://10.1.2.3/hook' })).status).toBe(200);
    });

    it('lets a read key list channels, and only an admin key change or test them', async () => {
      await put('ops-log', { type: 'log' });
      const { secret } = await t.createKey('read');
      const asReader = (method: string, path: string, body?: unknown) =>
        t.call(method, path, body, { password: secret }).then((response) => response.status);
      expect(await asReader('GET', '/channels')).toBe(200);
      expect(await asReader('GET', '/channels/ops-log')).toBe(200);
      expect(await asReader('PUT', '/channels/other', { type: 'log' })).toBe(403);
      expect(await asReader('DELETE', '/channels/ops-log')).toBe(403);
      expect(await asReader('POST', '/channels/ops-log/test')).toBe(403);
    });
  });

  describe('secrets', () => {
    it('never answers a secret: the view names which are set', async () => {
      const slackUrl = 'https://hooks.slack.example/services/T000/B000/SlackSecretPart';
      await put('team', { type: 'slack', url: slackUrl });
      await put('phone', { type: 'pushover', user: USER_KEY, token: PUSHOVER_TOKEN });
      const listed = await t.call('GET', '/channels').then((response) => response.text());
      expect(listed).not.toContain('SlackSecretPart');
      expect(listed).not.toContain(PUSHOVER_TOKEN);
      const byName = Object.fromEntries((await list()).map((channel) => [channel.name, channel]));
      expect(byName.team).toMatchObject({ settings: {}, secrets: ['url'] });
      expect(byName.phone).toMatchObject({ settings: { user: USER_KEY }, secrets: ['token'] });
    });

    it('keeps a stored secret when a replacement leaves it out', async () => {
      await put('phone', { type: 'pushover', user: USER_KEY, token: PUSHOVER_TOKEN });
      await put('phone', { type: 'pushover', user: 'g'.repeat(30) });
      const [record] = await t.storage.query<{ secrets: unknown }>(`select secrets from channels where name = 'phone'`, []);
      const secrets = typeof record!.secrets === 'string' ? JSON.parse(record!.secrets) : record!.secrets;
      expect(secrets).toEqual({ token: PUSHOVER_TOKEN });
    });

    it('shows a webhook channel its generated secret once, and a new one on rotation only', async () => {
      const made = await put('hook', { type: 'webhook', url: 'https://hooks.example.com/in' });
      const secret = made.body.secret as string;
      expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
      expect(Buffer.from(secret.slice(6), 'base64').length).toBeGreaterThanOrEqual(24);
      expect(made.body.channel).toMatchObject({ settings: { url: 'https://hooks.example.com/in' }, secrets: ['secret'] });
      expect(await t.call('GET', '/channels').then((response) => response.text())).not.toContain(secret.slice(6));
      const replaced = await put('hook', { type: 'webhook', url: 'https://hooks.example.com/v2' });
      expect(replaced.body.secret).toBeUndefined();
      const rotated = await put('hook', { type: 'webhook', url: 'https://hooks.example.com/v2', rotateSecret: true });
      expect(rotated.body.secret).toMatch(/^whsec_/);
      expect(rotated.body.secret).not.toBe(secret);
      expect((await put('other', { type: 'webhook', url: 'https://x.example.com', secret })).status).toBe(400);
    });

    it('keeps a channel token out of the answers, the log and the alert errors', async () => {
      logged.length = 0;
      await put('phone', { type: 'pushover', user: USER_KEY, token: PUSHOVER_TOKEN });
      await t.call('PUT', '/heartbeat/db', { channels: ['phone'], nextIn: 10 });
      await t.call('POST', '/heartbeat', { service: 'db', nextIn: 10 });
      t.clock.advance(11);
      await claimOverdueHeartbeats(ctx());
      fake.failNext('/1/messages.json', 1);
      const registry = createChannelRegistry(configured(), log);
      await createSendStep({ storage: t.storage, clock: t.clock, log, channels: registry })();
      const [delivery] = (await json<{ alerts: AlertDelivery[] }>(await t.call('GET', '/alerts'))).body.alerts;
      expect(delivery).toMatchObject({ channel: 'pushover', channelName: 'phone', status: 'pending', attempts: 1 });
      expect(delivery!.lastError).toContain('answered 500');
      t.clock.advance(5);
      await createSendStep({ storage: t.storage, clock: t.clock, log, channels: registry })();
      const request = fake.requestsTo('/1/messages.json').at(-1)!;
      expect(request.body).toMatchObject({ token: PUSHOVER_TOKEN, user: USER_KEY, title: 'watchtower: db is down' });
      const everything = [
        JSON.stringify(await t.call('GET', '/alerts').then((r) => r.json())),
        await t.call('GET', '/channels').then((r) => r.text()),
        ...logged,
      ].join('\n');
      expect(logged.some((line) => line.includes('alert.sent'))).toBe(true);
      expect(everything).not.toContain(PUSHOVER_TOKEN);
    });
  });

  describe('config channels', () => {
    it('cannot be changed or deleted through the API', async () => {
      await syncConfigChannels(ctx(), {
        channels: { pager: { type: 'log', settings: { label: 'pager' }, templates: {}, rotateSecret: false } },
      });
      expect((await list())[0]).toMatchObject({ name: 'pager', source: 'config' });
      for (const response of [await t.call('PUT', '/channels/pager', { type: 'log' }), await t.call('DELETE', '/channels/pager')]) {
        expect(await json(response)).toMatchObject({
          status: 409,
          body: {
            code: 'CONFLICT',
            hint: "channel pager is defined in the server's config file (channels.pager): change or remove it there, then restart the server",
          },
        });
      }
    });
  });

  describe('services', () => {
    it('name channels that exist, and may alert through them only', async () => {
      const unknown = await json<{ hint: string }>(await t.call('PUT', '/heartbeat/db', { channels: ['pager'], nextIn: 60 }));
      expect(unknown).toMatchObject({ status: 400 });
      expect(unknown.body.hint).toContain('channels names "pager", which is no channel here');
      await put('pager', { type: 'log' });
      const made = await json<{ heartBeat: Heartbeat }>(await t.call('PUT', '/heartbeat/db', { channels: ['pager'], nextIn: 60 }));
      expect(made.status).toBe(200);
      expect(made.body.heartBeat).toMatchObject({ channels: ['pager'], alertType: '', alertTarget: '' });
      expect((await json(await t.call('PATCH', '/heartbeat/db', { channels: ['nope'] }))).status).toBe(400);
      const emptied = await json<{ hint: string }>(await t.call('PATCH', '/heartbeat/db', { channels: null }));
      expect(emptied).toMatchObject({
        status: 400,
        body: { hint: 'channels: db alerts through its named channels only; give alertType and alertTarget to empty them' },
      });
      const moved = await json<{ heartBeat: Heartbeat }>(
        await t.call('PATCH', '/heartbeat/db', { channels: null, alertType: 'log', alertTarget: 'ops' }),
      );
      expect(moved.body.heartBeat).toMatchObject({ channels: [], alertType: 'log', alertTarget: 'ops' });
    });

    it('keep a channel they name from being deleted, and say which', async () => {
      await put('pager', { type: 'log' });
      await t.call('PUT', '/heartbeat/db', { channels: ['pager'], nextIn: 60 });
      await t.call('PUT', '/heartbeat/web', { channels: ['pager'], nextIn: 60 });
      const refused = await json(await t.call('DELETE', '/channels/pager'));
      expect(refused).toMatchObject({
        status: 409,
        body: { code: 'CONFLICT', hint: 'channel pager is still used by 2 services: "db", "web"; remove it from their channels first' },
      });
      expect((await list())[0]?.usedBy).toEqual(['db', 'web']);
    });

    it('alert each named channel and the classic pair, each delivery on its own row', async () => {
      await put('a', { type: 'log', label: 'a' });
      await put('b', { type: 'log', label: 'b' });
      await t.call('PUT', '/heartbeat/db', { alertType: 'log', alertTarget: 'ops', channels: ['a', 'b'], nextIn: 10 });
      await t.call('POST', '/heartbeat', { service: 'db', nextIn: 10 });
      t.clock.advance(11);
      await claimOverdueHeartbeats(ctx());
      await t.call('POST', '/heartbeat', { service: 'db', nextIn: 10 });
      const { alerts } = (await json<{ alerts: AlertDelivery[] }>(await t.call('GET', '/alerts'))).body;
      const rows = alerts.map((alert) => `${alert.kind} ${alert.channel} ${alert.channelName ?? '-'}`).sort();
      expect(rows).toEqual(['down log -', 'down log a', 'down log b', 'recovered log -', 'recovered log a', 'recovered log b']);
    });
    it("queue a recovery behind its own channel's down only", async () => {
      const path = (name: string) => `/slack/${kind}-order-${name}`;
      await put('a', { type: 'slack', url: `${fake.url}${path('a')}` });
      await put('b', { type: 'slack', url: `${fake.url}${path('b')}` });
      await t.call('PUT', '/heartbeat/db', { channels: ['a', 'b'], nextIn: 10 });
      await t.call('POST', '/heartbeat', { service: 'db', nextIn: 10 });
      t.clock.advance(11);
      await claimOverdueHeartbeats(ctx());
      const send = createSendStep({ storage: t.storage, clock: t.clock, log, channels: createChannelRegistry(configured(), log) });
      fake.failNext(path('a'), 2);
      await send();
      // Back while a's down waits for its retry: b is told at once; a's down is not sent, its recovery says both.
      await t.call('POST', '/heartbeat', { service: 'db', nextIn: 10 });
      await send();
      const texts = (name: string) =>
        fake
          .requestsTo(path(name))
          .filter((r) => r.answer === 200)
          .map((r) => String((r.body as { text: string }).text).split('\n')[0]);
      expect(texts('b')).toEqual(['*watchtower: db is down*', '*watchtower: db is pulsing again*']);
      expect(texts('a')).toEqual([]);
      t.clock.advance(5);
      await send();
      expect(texts('a')).toEqual(['*watchtower: db was down and is pulsing again*']);
      const { alerts } = (await json<{ alerts: AlertDelivery[] }>(await t.call('GET', '/alerts'))).body;
      expect(alerts.map((alert) => `${alert.kind} ${alert.channelName} ${alert.status}`).sort()).toEqual([
        'down a superseded',
        'down b sent',
        'recovered a sent',
        'recovered b sent',
      ]);
    });

    it('give up an alert whose channel was deleted after it was queued, saying so', async () => {
      await put('gone', { type: 'log' });
      await t.call('PUT', '/heartbeat/db', { alertType: 'log', alertTarget: 'ops', channels: ['gone'], nextIn: 10 });
      await t.call('POST', '/heartbeat', { service: 'db', nextIn: 10 });
      t.clock.advance(11);
      await claimOverdueHeartbeats(ctx());
      await t.call('PATCH', '/heartbeat/db', { channels: null });
      expect((await t.call('DELETE', '/channels/gone')).status).toBe(200);
      await createSendStep({ storage: t.storage, clock: t.clock, log, channels: createChannelRegistry(configured(), log) })();
      const { alerts } = (await json<{ alerts: AlertDelivery[] }>(await t.call('GET', '/alerts'))).body;
      expect(alerts.find((alert) => alert.channelName === 'gone')).toMatchObject({
        status: 'failed',
        lastError: expect.stringContaining('the channel gone no longer exists: it was deleted after this alert was queued'),
      });
      expect(alerts.find((alert) => alert.channelName === null)).toMatchObject({ status: 'sent' });
    });
  });

  describe('test messages', () => {
    it('answers what the provider answered, or its failure as a 502', async () => {
      await put('team', { type: 'slack', url: `${fake.url}/slack/team` });
      expect(await json(await t.call('POST', '/channels/team/test'))).toEqual({
        status: 200,
        body: { result: 200, status: 200, body: '' },
      });
      expect(fake.requestsTo('/slack/team').at(-1)?.body).toMatchObject({
        text: expect.stringContaining('A test message to the channel team'),
      });
      fake.failNext('/slack/team', 1);
      const failed = await json<{ hint: string; code: string }>(await t.call('POST', '/channels/team/test'));
      expect(failed.status).toBe(502);
      expect(failed.body.code).toBe('PROVIDER_FAILED');
      expect(failed.body.hint).toMatch(/^the test message to team \(slack\) failed: 127\.0\.0\.1:\d+ answered 500$/);
      expect((await t.call('POST', '/channels/nobody/test')).status).toBe(404);
    });

    it("word the message with the channel's template, and refuse a template naming an unknown variable", async () => {
      const refused = await json<{ hint: string }>(
        await t.call('PUT', '/channels/team', {
          type: 'slack',
          url: `${fake.url}/slack/tpl`,
          templates: { event: { title: '{{colour}}' } },
        }),
      );
      expect(refused.status).toBe(400);
      expect(refused.body.hint).toContain('colour');
      await put('team', {
        type: 'slack',
        url: `${fake.url}/slack/tpl-${kind}`,
        templates: { event: { title: 'Heard from <{{service}}>' } },
      });
      await t.call('POST', '/channels/team/test');
      const text = String((fake.requestsTo(`/slack/tpl-${kind}`).at(-1)!.body as { text: string }).text);
      expect(text.split('\n')[0]).toBe('*Heard from <watchtower>*');
    });
  });

  function configured(): Config {
    const config = ConfigSchema.parse({});
    configure(config);
    return config;
  }
});
