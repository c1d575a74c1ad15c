import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTcpProxy } from '@watchtower/test-support';
import { WatchtowerClient } from '../src/index.js';
import { CLI } from './support/cli.js';
import { api, cleanUpServers, eventually, PASSWORD, startServer, type ServerProcess } from './support/server.js';

let server: ServerProcess;

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  await cleanUpServers();
});

async function addEvent(service: string, message: string, level: string): Promise<void> {
  const { status } = await api(server.url, '/event', { method: 'POST', body: JSON.stringify({ service, message, level }) });
  expect(status).toBe(200);
}

/** The CLI following events, its output collected as it comes. */
function follow(url: string, args: string[]): { child: ChildProcessWithoutNullStreams; out: { stdout: string; stderr: string } } {
  const child = spawn(process.execPath, [CLI, 'events', '--follow', ...args], {
    env: { PATH: process.env.PATH ?? '', WATCHTOWER_URL: url, WATCHTOWER_PASSWORD: PASSWORD },
  });
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => {
    out.stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    out.stderr += chunk.toString();
  });
  return { child, out };
}

/** Adds matching events until the follower shows one: it is then reading the stream. */
async function untilFollowing(out: { stdout: string }, service: string, tag: string): Promise<void> {
  let n = 0;
  await eventually(async () => {
    n += 1;
    await addEvent(service, `${tag} probe ${n}`, 'critical');
    await new Promise((wait) => setTimeout(wait, 150));
    return out.stdout.includes(`${tag} probe`);
  }, 20_000);
}

describe('watchtower events --follow', () => {
  it('prints the new events that pass its filters as they are recorded, and exits 0 on Ctrl-C', async () => {
    const { child, out } = follow(server.url, ['--service', 'follow-a', '--level', 'warning', '--message', 'DISK', '--json']);
    const exited = new Promise<number | null>((done) => child.once('close', done));
    await untilFollowing(out, 'follow-a', 'disk');
    await addEvent('follow-other', 'disk full elsewhere', 'error');
    await addEvent('follow-a', 'disk almost full', 'info');
    await addEvent('follow-a', 'cpu hot', 'error');
    await addEvent('follow-a', 'Disk full', 'error');
    await addEvent('follow-a', 'disk last', 'critical');
    await eventually(async () => out.stdout.includes('disk last'));
    const shown = out.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { service: string; message: string; level: number })
      .filter((event) => !event.message.includes('probe'));
    expect(shown).toMatchObject([
      { service: 'follow-a', message: 'Disk full', level: 40 },
      { service: 'follow-a', message: 'disk last', level: 50 },
    ]);
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(out.stderr).toBe('');
  }, 60_000);

  it('reads the stream again after it breaks, and prints lines of date, level, service and message', async () => {
    const proxy = await startTcpProxy({ targetPort: server.port });
    try {
      const { child, out } = follow(`http://127.0.0.1:${proxy.port}`, ['--service', 'follow-b']);
      const exited = new Promise<number | null>((done) => child.once('close', done));
      await untilFollowing(out, 'follow-b', 'before');
      await proxy.cut('refuse');
      await eventually(async () => out.stderr.includes('the live stream broke'));
      await proxy.restore();
      await untilFollowing(out, 'follow-b', 'after');
      await addEvent('follow-b', 'back again', 'warning');
      await eventually(async () => out.stdout.includes('back again'));
      expect(out.stdout).toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\s+warning\s+follow-b\s+back again\n/);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      await proxy.close();
    }
  }, 60_000);

  it('stops with the refusal when the password is wrong', async () => {
    const child = spawn(process.execPath, [CLI, 'events', '--follow'], {
      env: { PATH: process.env.PATH ?? '', WATCHTOWER_URL: server.url, WATCHTOWER_PASSWORD: 'wrong' },
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const code = await new Promise<number | null>((done) => child.once('close', done));
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/password|401|credentials/i);
  }, 30_000);
});

describe('the SDK: exportEvents and eventHistogram', () => {
  it('streams the export of a filter, NDJSON and CSV, and counts events by bucket', async () => {
    const client = new WatchtowerClient({ url: server.url, password: PASSWORD });
    await addEvent('sdk-export', 'one, "two"', 'error');
    await addEvent('sdk-export', 'three', 'info');
    const body = await client.exportEvents({ service: 'sdk-export' });
    const text = await new Response(body).text();
    expect(
      text
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line).message),
    ).toEqual(['one, "two"', 'three']);
    const csv = await new Response(await client.exportEvents({ service: 'sdk-export', level: 'error' }, { format: 'csv' })).text();
    expect(csv.split('\r\n')[0]).toBe('id,date,service,level,message');
    expect(csv).toContain(',sdk-export,40,"one, ""two"""\r\n');
    const buckets = await client.eventHistogram({ service: 'sdk-export' }, 3_600);
    expect(buckets).toHaveLength(25);
    expect(buckets.at(-1)?.counts).toEqual({ error: 1, info: 1 });
    await expect(client.eventHistogram({}, 1)).rejects.toMatchObject({ status: 400 });
  }, 30_000);
});
