import type { ChannelType } from '@watchtower/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { resolveWithSystem, type ResolveHost } from '../src/channels/private-address.js';
import { createChannelRegistry } from '../src/channels/registry.js';
import { ConfigSchema } from '../src/config.js';
import { ManualClock } from '../src/lib/clock.js';
import { silentLogger } from '../src/lib/logger.js';
import { createTestStorage, DATABASE_KINDS } from './support/databases.js';
import { type RecordingProvider, startRecordingProvider } from './support/scripted-provider.js';

// A channel's URL (or SMTP host) is the user's: on a server that allows no private targets,
// none may point inside the network, neither when the channel is saved nor when a name that
// looked public resolves to a private address by the time a message is sent.

const PASSWORD = 'test-password-123';
const PUBLIC_ADDRESS = '93.184.215.14';

/** The channel types whose settings name where to connect, each with that setting at `origin` (scheme, host and port). */
const AT_ORIGIN: Partial<Record<ChannelType, (origin: string, host: string) => Record<string, unknown>>> = {
  ntfy: (origin) => ({ url: `${origin}/alerts` }),
  gotify: (origin) => ({ url: origin, token: 'AWx3LUr7C8hHbpM' }),
  discord: (origin) => ({ url: `${origin}/api/webhooks/123456789012345678/hook-Token_1` }),
  telegram: (origin) => ({ token: `123456789:AAE${'x'.repeat(32)}`, chatId: '-1001234567890', apiUrl: origin }),
  teams: (origin) => ({ url: `${origin}/workflows/invoke` }),
  matrix: (origin) => ({ homeserver: origin, room: '!ops:example.org', token: 'syt_token' }),
  pagerduty: (origin) => ({ routingKey: 'a'.repeat(32), eventsUrl: `${origin}/v2/enqueue` }),
  opsgenie: (origin) => ({ apiKey: 'genie-key', apiUrl: origin }),
  webhook: (origin) => ({ url: `${origin}/receiver` }),
  slack: (origin) => ({ url: `${origin}/services/T/B/X` }),
  smtp: (_origin, host) => ({ host, from: 'watchtower@example.com', to: 'ops@example.com' }),
};
const TYPES = Object.keys(AT_ORIGIN) as ChannelType[];

/** The field each type's error names. */
const FIELD: Partial<Record<ChannelType, string>> = {
  telegram: 'apiUrl',
  matrix: 'homeserver',
  pagerduty: 'eventsUrl',
  opsgenie: 'apiUrl',
  smtp: 'host',
};

/** Private targets, as a URL's host and as an SMTP host. */
const PRIVATE_HOSTS = [
  { url: '127.0.0.1', smtp: '127.0.0.1' },
  { url: '10.20.30.40', smtp: '10.20.30.40' },
  { url: '[::1]', smtp: '[::1]' },
  // A public-looking name that the DNS answers with a private address.
  { url: 'intranet.example', smtp: 'intranet.example' },
];

/** Scripted DNS: each name answers its next entry, the last one repeating; other names go to the system. */
function scriptedResolver(script: Record<string, string[][]>): ResolveHost {
  return async (host) => {
    const answers = script[host];
    if (!answers) return resolveWithSystem(host);
    return answers.length > 1 ? answers.shift()! : answers[0]!;
  };
}

let provider: RecordingProvider;
beforeAll(async () => {
  provider = await startRecordingProvider();
});
afterAll(() => provider?.close());

describe.each(DATABASE_KINDS)('channel targets on a server that allows no private targets, with data on %s', (kind) => {
  let storage: Awaited<ReturnType<typeof createTestStorage>>;
  beforeAll(async () => {
    storage = await createTestStorage(kind);
  });
  afterAll(() => storage?.close());

  function build(script: Record<string, string[][]>) {
    const config = { ...ConfigSchema.parse({}), password: PASSWORD };
    config.alerts.allowPrivateTargets = false;
    const channels = createChannelRegistry(config, silentLogger, { resolveHost: scriptedResolver(script), timeoutMs: 2_000 });
    const app = createApp({ db: storage, clock: new ManualClock(Date.UTC(2026, 0, 1, 12)), config, log: silentLogger, channels });
    return async (method: string, path: string, body?: unknown) => {
      const response = await app.request(path, {
        method,
        headers: { password: PASSWORD, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as { message?: string; hint?: string; code?: string } };
    };
  }

  it('refuses to save a channel of any type that points at a private address, saying which setting and why', async () => {
    const call = build({ 'intranet.example': [['192.168.1.20']] });
    for (const type of TYPES) {
      for (const host of PRIVATE_HOSTS) {
        const settings = AT_ORIGIN[type]!(`https://${host.url}:8443`, host.smtp);
        const answer = await call('PUT', `/channels/${type}-private`, { type, ...settings });
        const field = FIELD[type] ?? 'url';
        expect({ type, host: host.url, status: answer.status }).toEqual({ type, host: host.url, status: 400 });
        expect(answer.body.hint, `${type} at ${host.url}`).toMatch(new RegExp(`\\b${field}\\b`));
        expect(answer.body.hint, `${type} at ${host.url}`).toMatch(/private or reserved|loopback/);
        expect(answer.body.hint, `${type} at ${host.url}`).toContain('WATCHTOWER_ALLOW_PRIVATE_TARGETS=1');
      }
      expect((await call('GET', `/channels/${type}-private`)).status).toBe(404);
    }
  });

  it('refuses at delivery time a name that resolved to a public address when saved and to a private one now', async () => {
    const port = new URL(provider.url).port;
    // Saving checks the name once (public); every connection after resolves it again (loopback).
    const call = build(Object.fromEntries(TYPES.map((type) => [`${type}.rebind.example`, [[PUBLIC_ADDRESS], ['127.0.0.1']]])));
    const before = provider.requests.length;
    for (const type of TYPES) {
      const host = `${type}.rebind.example`;
      const saved = await call('PUT', `/channels/${type}-rebind`, { type, ...AT_ORIGIN[type]!(`http://${host}:${port}`, host) });
      expect({ type, status: saved.status, hint: saved.body.hint }).toEqual({ type, status: 200, hint: undefined });
      const tested = await call('POST', `/channels/${type}-rebind/test`);
      expect({ type, status: tested.status }).toEqual({ type, status: 502 });
      expect(tested.body.hint, type).toMatch(
        new RegExp(`no connection made: ${host.replace(/\./g, '\\.')} .*(private or reserved|loopback)`),
      );
    }
    // Nothing reached the provider listening at that address.
    expect(provider.requests.length).toBe(before);
  });
});
