import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WatchtowerClient } from '../src/index.js';
import { runWatchtower } from './support/cli.js';
import { cleanUpServers, PASSWORD, startServer, type ServerProcess } from './support/server.js';

let server: ServerProcess;
let client: WatchtowerClient;

beforeAll(async () => {
  server = await startServer();
  client = new WatchtowerClient({ url: server.url, password: PASSWORD, retries: 0 });
  // created (new), its first pulse (alive), paused, resumed, snoozed, unsnoozed: six changes.
  await client.putService('nightly', { period: '1d', alertType: 'log', alertTarget: 'ops' });
  await client.pulse({ service: 'nightly' });
  await client.pauseService('nightly');
  await client.resumeService('nightly');
  await client.snoozeService('nightly', { for: '1h' });
  await client.unsnoozeService('nightly');
});

afterAll(async () => {
  await cleanUpServers();
});

const watchtower = (args: string[]) => runWatchtower(server.url, args);
const CHANGES = [
  ['snoozed', 'alive', 'unsnoozed'],
  ['alive', 'snoozed', 'snoozed'],
  ['paused', 'alive', 'resumed'],
  ['alive', 'paused', 'paused'],
  ['new', 'alive', 'pulse'],
  [null, 'new', 'created'],
];

describe("a service's history from the SDK", () => {
  it('answers each change of state newest first, and the uptime over 24 h, 7 d and 30 d', async () => {
    const page = await client.readHistory('nightly');
    expect(page.flips.map(({ from, to, cause }) => [from, to, cause])).toEqual(CHANGES);
    expect(page.next).toBeNull();
    // Alive all along, but for the pause and the snooze, which do not count.
    expect(page.uptime).toEqual({ '24h': 1, '7d': 1, '30d': 1 });
  });

  it('pages with limit and the next cursor, to the end', async () => {
    const first = await client.readHistory('nightly', { limit: 4 });
    expect(first.flips).toHaveLength(4);
    const second = await client.readHistory('nightly', { limit: 4, before: first.next! });
    expect(second.next).toBeNull();
    expect([...first.flips, ...second.flips].map(({ cause }) => cause)).toEqual(CHANGES.map(([, , cause]) => cause));
  });

  it("surfaces a 404 for an unknown service and the server's hint for a bad limit", async () => {
    await expect(client.readHistory('nobody')).rejects.toMatchObject({ status: 404, code: 'NOT_FOUND' });
    await expect(client.readHistory('nightly', { limit: 0 })).rejects.toMatchObject({ status: 400, hint: expect.stringMatching(/limit/) });
  });
});

describe('watchtower history', () => {
  it('prints the uptime, then one line per change, newest first', async () => {
    const result = await watchtower(['history', 'nightly']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('uptime: 24h 100.00 %, 7d 100.00 %, 30d 100.00 %');
    expect(lines[1]).toMatch(/^AT +FROM +TO +CAUSE$/);
    expect(lines.slice(2).map((line) => line.split(/ {2,}/).slice(1))).toEqual(
      CHANGES.map(([from, to, cause]) => [from ?? '-', to, cause]),
    );
  });

  it('reads across pages up to --limit, and prints JSON with --json', async () => {
    const result = await watchtower(['--json', 'history', 'nightly', '--limit', '3']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const answer = JSON.parse(result.stdout);
    expect(answer.uptime).toEqual({ '24h': 1, '7d': 1, '30d': 1 });
    expect(answer.flips.map((flip: { cause: string }) => flip.cause)).toEqual(['unsnoozed', 'snoozed', 'resumed']);
  });

  it('says in one line that a service is unknown', async () => {
    const result = await watchtower(['history', 'nobody']);
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr).toMatch(/^watchtower history: the server refused it \(404 NOT_FOUND\): .*nobody.*\n$/);
  });
});
