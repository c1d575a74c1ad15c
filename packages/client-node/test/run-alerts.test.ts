import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  cleanUpServers,
  createTestDatabase,
  type FakeProviders,
  PASSWORD,
  startFakeProviders,
  startServer,
  temporaryFolder,
} from '@watchtower/test-support';

// `watchtower run` as cron runs it, against the built server on each database, alerting a
// local webhook receiver: the alert of a failed job is timed from the job's end.

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const KINDS = ['pglite', 'postgres'] as const;

let fake: FakeProviders;
const drops: Array<() => Promise<void>> = [];

beforeAll(async () => {
  fake = await startFakeProviders();
});

afterEach(async () => {
  await cleanUpServers();
  for (const drop of drops.splice(0)) await drop();
});

afterAll(async () => {
  await fake?.close();
});

/** Runs the built command; answers its exit code. */
function watchtower(args: string[], env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', ...env } }, (error, _stdout, stderr) =>
      done({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stderr }),
    );
  });
}

describe.each(KINDS)('watchtower run against a server on %s', (kind) => {
  it('gets a failed job alerted on its channel within 1 s of its end', async () => {
    const database = kind === 'postgres' ? await createTestDatabase() : undefined;
    if (database) drops.push(database.drop);
    const server = await startServer({
      env: {
        WATCHTOWER_DATA_DIR: temporaryFolder('watchtower-data-'),
        DATABASE_URL: database?.url,
        WATCHTOWER_WEBHOOK_SECRET: `whsec_${randomBytes(32).toString('base64')}`,
        WATCHTOWER_ALLOW_PRIVATE_TARGETS: '1',
      },
    });
    const service = `nightly-${randomBytes(4).toString('hex')}`;
    const env = { WATCHTOWER_URL: server.url, WATCHTOWER_PASSWORD: PASSWORD };
    const alert = `webhook:${fake.url}/hooks/${service}`;
    const job = ['run', service, '--cron', '15 3 * * 1-5', '--tz', 'Europe/Paris', '--grace', '30m', '--alert', alert, '--'];

    // The job notes when it ends (ms), as its last act: the command reports after that.
    const endFile = join(temporaryFolder('watchtower-job-'), 'ended');
    const script = `echo dumping; echo "disk full" >&2; date +%s%3N > ${endFile}; exit 3`;
    const { code } = await watchtower([...job, 'sh', '-c', script], env);
    expect(code).toBe(3);
    const endedAt = Number(readFileSync(endFile, 'utf8').trim());
    const failed = () =>
      fake.requestsTo(`/hooks/${service}`).filter((request) => (request.body as { type?: string }).type === 'heartbeat.failed');
    await fake.waitFor('the failed alert', () => failed().length > 0, 5_000);
    const delay = failed()[0]!.at - endedAt;
    console.log(`watchtower run on ${kind}: the failed alert arrived ${delay} ms after the job ended`);
    expect(delay).toBeGreaterThanOrEqual(0);
    expect(delay).toBeLessThan(1_000);
    expect(failed()[0]!.body).toMatchObject({ service, exitCode: 3, message: expect.stringContaining('disk full') });
  }, 60_000);
});
