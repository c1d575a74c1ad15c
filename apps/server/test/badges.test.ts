import { BadgeEndpoint } from '@watchtower/protocol';
import { describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { ConfigSchema } from '../src/config.js';
import { openStorage } from '../src/db/client.js';
import { silentLogger } from '../src/lib/logger.js';
import { DATABASE_KINDS } from './support/databases.js';
import { PASSWORD, useTestApp } from './support/test-app.js';

/** The colour family a hex colour belongs to, by its hue: what a reader of the badge sees. */
function colourOf(hex: string): string {
  const full = hex.length === 4 ? [...hex.slice(1)].map((digit) => digit + digit).join('') : hex.slice(1);
  const [r, g, b] = [0, 2, 4].map((at) => Number.parseInt(full.slice(at, at + 2), 16) / 255) as [number, number, number];
  const max = Math.max(r, g, b);
  const spread = max - Math.min(r, g, b);
  if (spread < 0.1) return 'grey';
  const hue = max === r ? (((g - b) / spread) * 60 + 360) % 360 : max === g ? ((b - r) / spread) * 60 + 120 : ((r - g) / spread) * 60 + 240;
  if (hue < 20 || hue >= 340) return 'red';
  if (hue < 70) return 'yellow';
  if (hue < 160) return 'green';
  if (hue < 250) return 'blue';
  return 'purple';
}

/** What an SVG badge shows: its accessible text and the colour of its right half. */
function readSvg(svg: string): { text: string; colour: string } {
  const text = /aria-label="([^"]*)"/.exec(svg)?.[1];
  const fills = [...svg.matchAll(/<rect x="\d+(?:\.\d+)?" width="[\d.]+" height="20" fill="(#[0-9a-f]{3,6})"/g)];
  expect(text, svg).toBeDefined();
  expect(fills, svg).toHaveLength(1);
  return { text: text!, colour: colourOf(fills[0]![1]!) };
}

describe.each(DATABASE_KINDS)('status badges on %s', (kind) => {
  const t = useTestApp(kind);
  /** A badge as a README's image fetches it: no credentials. */
  const fetchBadge = (path: string) => t.app.request(path);
  const heartbeat = async (service: string, password = PASSWORD) =>
    (await (await t.call('GET', `/heartbeat/${encodeURIComponent(service)}`, undefined, { password })).json()).heartBeat;
  /** Configures a service (daily, an hour's grace) and answers its badge URL's path, without the format. */
  async function badgePath(service: string, settings: Record<string, unknown> = {}): Promise<string> {
    const response = await t.call('PUT', `/heartbeat/${encodeURIComponent(service)}`, { period: '1d', grace: '1h', ...settings });
    expect(response.status).toBe(200);
    const { badgeUrl } = (await response.json()).heartBeat;
    return new URL(badgeUrl).pathname.replace(/\.svg$/, '');
  }
  const keyOf = (path: string) => path.split('/')[2]!;
  const pulse = (service: string) => t.call('POST', '/heartbeat', { service, alertType: 'log', alertTarget: 'ops', nextIn: 60 });

  /** Services in every status, each named after it. */
  async function serviceInEachStatus(): Promise<string> {
    const path = await badgePath('new');
    for (const service of ['alive', 'dead', 'started', 'paused', 'cancelled']) {
      await badgePath(service);
      await pulse(service);
    }
    await t.call('POST', '/heartbeat/dead/fail', { message: 'disk full' });
    await t.call('POST', '/heartbeat/started/start', {});
    await t.call('POST', '/heartbeat/paused/pause');
    await t.call('DELETE', '/heartbeat', { service: 'cancelled' });
    return path.slice(0, path.lastIndexOf('/'));
  }

  it('shows each status in its word and colour, as SVG and as shields.io endpoint JSON, without credentials', async () => {
    const base = await serviceInEachStatus();
    const expected = {
      alive: ['up', 'green', 'brightgreen'],
      dead: ['down', 'red', 'red'],
      started: ['running', 'blue', 'blue'],
      new: ['new', 'grey', 'lightgrey'],
      paused: ['paused', 'grey', 'lightgrey'],
      cancelled: ['cancelled', 'grey', 'lightgrey'],
    };
    for (const [service, [word, colour, colorName]] of Object.entries(expected)) {
      expect((await heartbeat(service)).status).toBe(service);
      const svg = await fetchBadge(`${base}/${service}.svg`);
      expect({ service, status: svg.status, type: svg.headers.get('content-type') }).toEqual({
        service,
        status: 200,
        type: 'image/svg+xml; charset=utf-8',
      });
      expect(svg.headers.get('cache-control')).toBe('no-cache');
      expect(readSvg(await svg.text())).toEqual({ text: `${service}: ${word}`, colour });
      const json = await fetchBadge(`${base}/${service}.json`);
      expect(json.headers.get('content-type')).toMatch(/^application\/json/);
      expect(json.headers.get('cache-control')).toBe('no-cache');
      const body = BadgeEndpoint.strict().parse(await json.json());
      expect(body).toEqual({ schemaVersion: 1, label: service, message: word, color: colorName });
    }
  });

  it('follows the status as it changes, the clock included', async () => {
    const path = await badgePath('backup', { period: 60, grace: 0 });
    await pulse('backup');
    expect(readSvg(await (await fetchBadge(`${path}.svg`)).text())).toEqual({ text: 'backup: up', colour: 'green' });
    t.clock.advance(61);
    expect(readSvg(await (await fetchBadge(`${path}.svg`)).text())).toEqual({ text: 'backup: down', colour: 'red' });
    await pulse('backup');
    expect(await (await fetchBadge(`${path}.json`)).json()).toMatchObject({ message: 'up', color: 'brightgreen' });
  });

  it('answers HEAD as GET, without a body', async () => {
    const path = await badgePath('backup');
    const response = await t.app.request(`${path}.svg`, { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8');
    expect(await response.text()).toBe('');
  });

  it("sums up a tag's services, coloured by the worst status", async () => {
    for (const service of ['a', 'b', 'c', 'd']) await badgePath(service, { tags: ['nightly'] });
    await badgePath('untagged', { tags: ['other'] });
    for (const service of ['a', 'b', 'c', 'd', 'untagged']) await pulse(service);
    const key = keyOf(await badgePath('untagged'));
    const tagBadge = async (format: 'svg' | 'json') => fetchBadge(`/badge/${key}/tag/nightly.${format}`);

    expect(readSvg(await (await tagBadge('svg')).text())).toEqual({ text: 'nightly: 4 up', colour: 'green' });
    await t.call('POST', '/heartbeat/d/fail', {});
    await t.call('POST', '/heartbeat/c/start', {});
    const svg = await tagBadge('svg');
    expect(svg.status).toBe(200);
    expect(readSvg(await svg.text())).toEqual({ text: 'nightly: 2 up, 1 running, 1 down', colour: 'red' });
    expect(await (await tagBadge('json')).json()).toEqual({
      schemaVersion: 1,
      label: 'nightly',
      message: '2 up, 1 running, 1 down',
      color: 'red',
    });
    await pulse('d');
    await pulse('c');
    await t.call('POST', '/heartbeat/a/pause');
    expect(await (await tagBadge('json')).json()).toMatchObject({ message: '3 up, 1 paused', color: 'brightgreen' });
  });

  it('answers 404 with a "not found" badge for an unknown key, service or tag, the same whichever it is', async () => {
    const path = await badgePath('backup', { tags: ['nightly'] });
    const key = keyOf(path);
    const otherKey = `${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`;
    const unknown = [
      `/badge/${otherKey}/backup`,
      `/badge/not-a-key/backup`,
      `/badge/${key}/restore`,
      `/badge/${otherKey}/tag/nightly`,
      `/badge/${key}/tag/weekly`,
      `/badge/${key}/tag/not%20a%20tag`,
      `/badge/${key}/bad%00name`,
      `/badge/${key}/%EF%BB%BFbackup`,
    ];
    const answers = new Set<string>();
    for (const bad of unknown) {
      const svg = await fetchBadge(`${bad}.svg`);
      expect({ bad, status: svg.status, type: svg.headers.get('content-type') }).toEqual({
        bad,
        status: 404,
        type: 'image/svg+xml; charset=utf-8',
      });
      const text = await svg.text();
      expect(readSvg(text)).toEqual({ text: 'watchtower: not found', colour: 'grey' });
      answers.add(text);
      const json = await fetchBadge(`${bad}.json`);
      expect(json.status).toBe(404);
      expect(await json.json()).toEqual({ schemaVersion: 1, label: 'watchtower', message: 'not found', color: 'lightgrey' });
    }
    // Nothing tells a wrong key from an unknown name: names cannot be probed without the key.
    expect(answers.size).toBe(1);
  });

  it('needs no credentials, and wrong ones change nothing', async () => {
    const path = await badgePath('backup');
    for (const headers of [{}, { password: 'wrong' }, { authorization: 'Bearer wrong' }] as Record<string, string>[]) {
      const response = await t.app.request(`${path}.svg`, { headers });
      expect(response.status).toBe(200);
      expect(readSvg(await response.text()).text).toBe('backup: new');
    }
  });

  it('keeps one badge key for every server on the database, even when they make it at once', async () => {
    const second = kind === 'postgres' ? await openStorage({ kind, url: t.storage.url!, maxConnections: 2 }) : t.storage;
    try {
      const config = { ...ConfigSchema.parse({}), password: PASSWORD };
      const other = createApp({ db: second, clock: t.clock, config, log: silentLogger });
      await pulse('backup');
      // Neither server has made the key yet: both read the heartbeat at once.
      const [mine, theirs] = await Promise.all([
        t.call('GET', '/heartbeat/backup'),
        other.request('/heartbeat/backup', { headers: { password: PASSWORD } }),
      ]);
      const urls = [(await mine.json()).heartBeat.badgeUrl, (await theirs.json()).heartBeat.badgeUrl];
      expect(urls[0]).toMatch(/^http:\/\/localhost\/badge\/[A-Za-z0-9_-]{43}\/backup\.svg$/);
      expect(urls[1]).toBe(urls[0]);
      expect((await other.request(new URL(urls[0]).pathname)).status).toBe(200);
      const [row] = await t.storage.query<{ n: number }>("select count(*)::int as n from server_settings where name = 'badge_key'", []);
      expect(row?.n).toBe(1);
    } finally {
      if (second !== t.storage) await second.close();
    }
  });

  it('escapes a hostile service name in the SVG, and serves a name with a slash', async () => {
    const hostile = `<script>alert("x")</script> & 'q' ]]>`;
    const path = await badgePath(hostile);
    const svg = await (await fetchBadge(`${path}.svg`)).text();
    expect(svg).not.toContain('<script');
    expect(svg).not.toMatch(/&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);)/i);
    expect(svg).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &apos;q&apos; ]]&gt;');
    expect(await (await fetchBadge(`${path}.json`)).json()).toMatchObject({ label: hostile });
    const slashed = await badgePath('team/backup');
    expect(slashed).toMatch(/\/team%2Fbackup$/);
    expect(readSvg(await (await fetchBadge(`${slashed}.svg`)).text()).text).toBe('team/backup: new');
  });

  it('shows the badge URL to read and admin keys, not to a pulse key', async () => {
    const path = await badgePath('backup');
    const pulseKey = (await t.createKey('pulse')).secret;
    const readKey = (await t.createKey('read')).secret;
    const started = await t.call('POST', '/heartbeat/backup/start', {}, { password: pulseKey });
    expect(started.status).toBe(200);
    expect((await started.json()).heartBeat).not.toHaveProperty('badgeUrl');
    expect((await heartbeat('backup', readKey)).badgeUrl).toBe(`http://localhost${path}.svg`);
    expect((await heartbeat('backup')).badgeUrl).toBe(`http://localhost${path}.svg`);
    const listed = await (await t.call('GET', '/heartbeats', undefined, { password: readKey })).json();
    expect(listed.heartBeats[0].badgeUrl).toBe(`http://localhost${path}.svg`);
  });

  it('takes the configured public URL as the base of badge URLs', async () => {
    const config = { ...ConfigSchema.parse({}), password: PASSWORD };
    config.server.publicUrl = 'https://watchtower.example.com';
    const app = createApp({ db: t.storage, clock: t.clock, config, log: silentLogger });
    await pulse('backup');
    const answer = await (await app.request('/heartbeat/backup', { headers: { password: PASSWORD } })).json();
    expect(answer.heartBeat.badgeUrl).toMatch(/^https:\/\/watchtower\.example\.com\/badge\/[A-Za-z0-9_-]{43}\/backup\.svg$/);
  });
});
