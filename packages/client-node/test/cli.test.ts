import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTcpProxy } from '@watchtower/test-support';
import { CLI, runWatchtower } from './support/cli.js';
import { api, cleanUpServers, eventually, freePort, PASSWORD, startServer, temporaryFolder, type ServerProcess } from './support/server.js';

let server: ServerProcess;

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  await cleanUpServers();
});

/** Runs the built `watchtower` command against the server of this file. */
const watchtower = (args: string[], env: Record<string, string> = {}) => runWatchtower(server.url, args, env);

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// Clears the screen, sets the window title, a C1 CSI, a bell, and a carriage return to overwrite the line.
const HOSTILE = 'ok\x1b[2J\x1b]0;owned\x07 \x9b31m red\rfake line\x7f';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

async function heartbeatOf(service: string) {
  return (await api(server.url, `/heartbeat/${encodeURIComponent(service)}`)).body.heartBeat;
}

async function runsOf(service: string) {
  return (await api(server.url, `/heartbeat/${encodeURIComponent(service)}/runs`)).body.runs as {
    rid: string | null;
    outcome: string;
    exitCode: number | null;
    duration: number | null;
    message: string | null;
  }[];
}

async function eventsOf(service: string) {
  return (await api(server.url, `/events?service=${encodeURIComponent(service)}`)).body.events as { level: number; message: string }[];
}

describe('watchtower pulse and cancel', () => {
  it('pulses a service with the given deadline and alert', async () => {
    const result = await watchtower(['pulse', 'cli-pulse', '--next-in', '1h', '--alert', 'log:ops']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^pulsed cli-pulse: log:ops is alerted if it is silent past .* \(in 1 h\)\n$/);
    const stored = (await api(server.url, '/heartbeat/cli-pulse')).body.heartBeat;
    expect(stored).toMatchObject({ nextIn: 3_600, alertType: 'log', alertTarget: 'ops', status: 'alive' });
  });

  it('cancels a service', async () => {
    await watchtower(['pulse', 'cli-cancel', '--next-in', '90', '--alert', 'log:ops']);
    const result = await watchtower(['cancel', 'cli-cancel']);
    expect(result).toMatchObject({ code: 0, stdout: 'cancelled cli-cancel: its silence is no longer alerted\n' });
    expect((await api(server.url, '/heartbeat/cli-cancel')).body.heartBeat.status).toBe('cancelled');
  });

  it('says in one line what the server refused, with its hint, and exits 1', async () => {
    const result = await watchtower(['pulse', 'cli-refused', '--next-in', '1h', '--alert', 'pushover:uQiRzpo4DXghDmr9QzzfQu27cmVRsG']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^watchtower pulse: the server refused it \(400 VALIDATION_FAILED\): .*PUSHOVER_TOKEN\n$/);
  });

  it('says in one line that the password is wrong', async () => {
    const result = await watchtower(['list'], { WATCHTOWER_PASSWORD: 'not-the-password' });
    expect(result).toMatchObject({
      code: 1,
      stderr: 'watchtower list: the server refused the password (401): check WATCHTOWER_PASSWORD\n',
    });
  });
});

describe('watchtower event, events and list', () => {
  it('records an event with a level', async () => {
    const result = await watchtower(['event', 'cli-event', 'disk 91% full', '--level', 'warning']);
    expect(result.code).toBe(0);
    expect(await eventsOf('cli-event')).toMatchObject([{ level: 30, message: 'disk 91% full' }]);
  });

  it('lists events as JSON, filtered by service, level and age', async () => {
    await watchtower(['event', 'cli-events', 'routine', '--level', 'info']);
    await watchtower(['event', 'cli-events', 'broken', '--level', 'error']);
    const result = await watchtower(['events', '--service', 'cli-events', '--level', 'error', '--since', '1h', '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject([{ service: 'cli-events', level: 40, message: 'broken' }]);
  });

  it('lists events as lines of date, level, service and message', async () => {
    await watchtower(['event', 'cli-lines', 'hello there']);
    const result = await watchtower(['events', '--service', 'cli-lines']);
    expect(result.stdout).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d {2}info {2}cli-lines {2}hello there\n$/);
  });

  it('shows the control characters of a message as visible escapes, and keeps them exact in JSON', async () => {
    expect(
      (
        await api(server.url, '/event', {
          method: 'POST',
          body: JSON.stringify({ service: 'cli-hostile', level: 'info', message: `${HOSTILE}\nsecond\tline` }),
        })
      ).status,
    ).toBe(200);
    const shown = await watchtower(['events', '--service', 'cli-hostile']);
    expect(shown.code).toBe(0);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: asserts that no control character is shown
    expect(shown.stdout).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/);
    expect(shown.stdout).toContain('ok\\x1b[2J\\x1b]0;owned\\x07 \\x9b31m red\\x0dfake line\\x7f');
    expect(shown.stdout).toMatch(/\n +second\tline\n$/);
    const json = await watchtower(['events', '--service', 'cli-hostile', '--json']);
    expect(JSON.parse(json.stdout)[0].message).toBe(`${HOSTILE}\nsecond\tline`);
  });

  it('shows the control characters of an alert target in the list as visible escapes', async () => {
    const pulse = { service: 'cli-hostile-list', nextIn: 3_600, alertType: 'log', alertTarget: HOSTILE };
    expect((await api(server.url, '/heartbeat', { method: 'POST', body: JSON.stringify(pulse) })).status).toBe(200);
    const shown = await watchtower(['list']);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: asserts that no control character is shown
    expect(shown.stdout).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/);
    expect(shown.stdout).toMatch(/^cli-hostile-list +alive +.* log:ok\\x1b\[2J/m);
  });

  it('takes the settings after the command name and before it', async () => {
    await watchtower(['event', 'cli-settings', 'placed anywhere']);
    const nowhere = { WATCHTOWER_URL: '', WATCHTOWER_PASSWORD: '' };
    const after = await watchtower(['events', '--service', 'cli-settings', '--url', server.url, '--password', PASSWORD, '--json'], nowhere);
    const before = await watchtower(
      ['--url', server.url, '--json', 'events', '--password', PASSWORD, '--service', 'cli-settings'],
      nowhere,
    );
    expect(after).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(after.stdout)).toMatchObject([{ service: 'cli-settings', message: 'placed anywhere' }]);
    expect(before).toEqual(after);
  });

  it('lists heartbeats with their status', async () => {
    await watchtower(['pulse', 'cli-list', '--next-in', '1d', '--alert', 'log:ops']);
    const result = await watchtower(['list']);
    expect(result.stdout).toMatch(/^SERVICE +STATUS +LAST PULSE +DEADLINE +ALERT$/m);
    // A loaded machine may take a second between the pulse and the list.
    expect(result.stdout).toMatch(/^cli-list +alive +.* ago +in (1 d|23 h 59 min) +log:ops$/m);
  });
});

describe('watchtower run', () => {
  it('records a job that exits non-zero as a failed run with its exit code, and the service is dead', async () => {
    const result = await watchtower(['run', 'nightly', '--next-in', '1d', '--alert', 'log:ops', '--', 'false']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('watchtower run: nightly failed (exit code 1); recorded as a failed run\n');
    expect(await runsOf('nightly')).toMatchObject([
      {
        outcome: 'fail',
        exitCode: 1,
        rid: expect.stringMatching(UUID),
        message: expect.stringMatching(/^`false` on .+: exit code 1, no output$/),
      },
    ]);
    expect(await heartbeatOf('nightly')).toMatchObject({ status: 'dead', nextIn: 86_400, alertType: 'log', alertTarget: 'ops' });
  });

  it("passes the job's exit code on and records its last lines of output", async () => {
    const job = "for (let i = 1; i <= 30; i++) console.log('line ' + i); console.error('fatal: disk full'); process.exit(3)";
    const result = await watchtower([
      'run',
      'cli-run-output',
      '--next-in',
      '1d',
      '--alert',
      'log:ops',
      '--tail',
      '5',
      '--',
      process.execPath,
      '-e',
      job,
    ]);
    expect(result.code).toBe(3);
    expect(result.stdout).toContain('line 30\n');
    expect(result.stderr).toContain('fatal: disk full\n');
    const [run] = await runsOf('cli-run-output');
    expect(run).toMatchObject({ outcome: 'fail', exitCode: 3 });
    expect(run?.message).toMatch(
      / on .+: exit code 3, last 5 of 31 lines of output:\nline 27\nline 28\nline 29\nline 30\nfatal: disk full$/,
    );
    const [event] = await eventsOf('cli-run-output');
    expect(event).toMatchObject({ level: 40, message: expect.stringMatching(/^Service cli-run-output failed with exit code 3 after/) });
  });

  it('records a successful job as a run with its duration and the end of its output, passing the output through', async () => {
    const job = "setTimeout(() => console.log('backed up'), 300)";
    const result = await watchtower(['run', 'cli-run-ok', '--next-in', '1d', '--alert', 'log:ops', '--', process.execPath, '-e', job]);
    expect(result).toMatchObject({ code: 0, stdout: 'backed up\n', stderr: '' });
    expect(await heartbeatOf('cli-run-ok')).toMatchObject({ nextIn: 86_400, status: 'alive' });
    const [run] = await runsOf('cli-run-ok');
    expect(run).toMatchObject({ outcome: 'success', message: 'backed up', exitCode: null });
    // The start is sent while the job starts, so the run is timed from about then.
    expect(run?.duration).toBeGreaterThan(0.15);
    expect(await eventsOf('cli-run-ok')).toEqual([]);
  });

  it('sends none of the output with --no-output', async () => {
    const args = ['--no-output', '--', process.execPath, '-e', "console.log('token=hunter2'); process.exit(4)"];
    const result = await watchtower(['run', 'cli-run-secret', '--period', '1d', ...args]);
    expect(result.code).toBe(4);
    const [run] = await runsOf('cli-run-secret');
    expect(run).toMatchObject({ outcome: 'fail', exitCode: 4, message: expect.stringMatching(/: exit code 4$/) });
  });

  it('creates a service with --cron, --tz and --grace, and records its run', async () => {
    const args = ['--cron', '15 3 * * 1-5', '--tz', 'Europe/Paris', '--grace', '30m', '--max-runtime', '2h', '--', 'true'];
    const result = await watchtower(['run', 'cli-run-cron', ...args]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(await heartbeatOf('cli-run-cron')).toMatchObject({
      schedule: { kind: 'cron', cron: '15 3 * * 1-5', tz: 'Europe/Paris' },
      grace: 1_800,
      maxRuntime: 7_200,
      status: 'alive',
    });
    expect(await runsOf('cli-run-cron')).toMatchObject([{ outcome: 'success' }]);
  });

  it('uses the stored schedule and alert of a known service when given no option', async () => {
    await watchtower(['service', 'put', 'cli-run-known', '--period', '1h', '--alert', 'log:night-shift']);
    const result = await watchtower(['run', 'cli-run-known', '--', 'true']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(await heartbeatOf('cli-run-known')).toMatchObject({
      status: 'alive',
      schedule: { kind: 'period', period: 3_600 },
      alertTarget: 'night-shift',
    });
    expect(await runsOf('cli-run-known')).toMatchObject([{ outcome: 'success' }]);
  });

  it('changes only the settings it is given on a known service', async () => {
    await watchtower(['service', 'put', 'cli-run-change', '--period', '1h', '--alert', 'log:night-shift', '--description', 'kept']);
    expect(await watchtower(['run', 'cli-run-change', '--period', '2h', '--grace', '5m', '--', 'true'])).toMatchObject({
      code: 0,
      stderr: '',
    });
    expect(await heartbeatOf('cli-run-change')).toMatchObject({
      schedule: { kind: 'period', period: 7_200 },
      grace: 300,
      alertTarget: 'night-shift',
      description: 'kept',
    });
  });

  it('runs the job for an unknown service given no schedule, and says in one line how to create it', async () => {
    const marker = join(temporaryFolder('watchtower-cli-run-'), 'ran');
    const result = await watchtower(['run', 'cli-run-unknown', '--', 'touch', marker]);
    expect(result).toEqual({
      code: 0,
      stdout: '',
      stderr:
        'watchtower run: cli-run-unknown is not known to the server, so this run is not recorded; create it with a schedule: add --cron, --period or --next-in to this command, or run watchtower service put cli-run-unknown --period 1d\n',
    });
    expect(existsSync(marker)).toBe(true);
    expect((await api(server.url, '/heartbeat/cli-run-unknown')).status).toBe(404);
  });

  it('passes the exit code of a failing job for an unknown service, with the same one line', async () => {
    const result = await watchtower(['run', 'cli-run-unknown-fail', '--grace', '5m', '--', 'false']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^watchtower run: cli-run-unknown-fail is not known to the server, so this run is not recorded; [^\n]*\n$/,
    );
  });

  it('reports a failure whose output is cut among emoji, for either parity of the cut', async () => {
    // Lines past the 500 characters kept and more output than a message holds: both cuts fall among
    // two-unit characters. A one-character longer command line shifts the second cut by one.
    const job = "for (let i = 0; i < 25; i++) console.log('x' + '😀'.repeat(300)); process.exit(2)";
    for (const [service, script] of [
      ['cli-run-emoji-even', job],
      ['cli-run-emoji-odd', `${job} `],
    ] as const) {
      const result = await watchtower(['run', service, '--next-in', '1d', '--alert', 'log:ops', '--', process.execPath, '-e', script]);
      expect(result.code).toBe(2);
      expect(result.stderr).not.toContain('could not report');
      const [run] = await runsOf(service);
      expect(run?.message).toMatch(/exit code 2, last 20 of 25 lines of output:\n…/);
      expect(run?.message).toMatch(/\nx(😀){249}…$/u);
      expect(run?.message).not.toMatch(LONE_SURROGATE);
    }
  });

  it('exits 127 and records it when the job cannot be started', async () => {
    const result = await watchtower(['run', 'cli-run-missing', '--next-in', '1d', '--alert', 'log:ops', '--', 'no-such-program-here']);
    expect(result.code).toBe(127);
    expect(await runsOf('cli-run-missing')).toMatchObject([
      {
        outcome: 'fail',
        exitCode: 127,
        message: expect.stringMatching(/^`no-such-program-here` on .+: could not start: command not found/),
      },
    ]);
  });

  it("exits with the job's code and says so on stderr when the server cannot be reached", async () => {
    const nobody = `http://127.0.0.1:${await freePort()}`;
    const result = await watchtower(['run', 'cli-run-offline', '--next-in', '1d', '--alert', 'log:ops', '--', 'false'], {
      WATCHTOWER_URL: nobody,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `watchtower run: could not report cli-run-offline to the server: could not reach ${nobody} (ECONNREFUSED) (tried 4 times): check WATCHTOWER_URL or --url, and that the server is running\n`,
    );
  });

  it('runs the job at once while the server does not answer', async () => {
    const silent = await startTcpProxy({ targetPort: server.port });
    await silent.cut('black-hole');
    try {
      const started = Date.now();
      const child = spawn(process.execPath, [CLI, 'run', 'cli-run-silent', '--', 'sh', '-c', 'echo started; sleep 2'], {
        env: { PATH: process.env.PATH ?? '', WATCHTOWER_URL: `http://127.0.0.1:${silent.port}`, WATCHTOWER_PASSWORD: PASSWORD },
      });
      const exited = new Promise<number | null>((done) => child.once('close', done));
      await new Promise((output) => child.stdout.once('data', output));
      expect(Date.now() - started).toBeLessThan(5_000);
      // The command would wait on the silent server for its report; the job (its own group) ends by itself.
      child.kill('SIGKILL');
      await exited;
    } finally {
      await silent.close();
    }
  });

  it('passes SIGTERM on to the whole job and records a failed run with exit code 143', async () => {
    const child = spawn(
      process.execPath,
      [CLI, 'run', 'cli-run-killed', '--next-in', '1d', '--alert', 'log:ops', '--', 'sh', '-c', 'echo started; sleep 30'],
      {
        env: { PATH: process.env.PATH ?? '', WATCHTOWER_URL: server.url, WATCHTOWER_PASSWORD: PASSWORD },
      },
    );
    const exited = new Promise<number | null>((done) => child.once('close', done));
    await new Promise((started) => child.stdout.once('data', started));
    // The start goes in parallel with the job: let it land before the end.
    await eventually(async () => (await api(server.url, '/heartbeat/cli-run-killed')).body.heartBeat?.status === 'started');
    child.kill('SIGTERM');
    expect(await exited).toBe(143);
    expect(await runsOf('cli-run-killed')).toMatchObject([
      {
        outcome: 'fail',
        exitCode: 143,
        duration: expect.any(Number),
        message: expect.stringMatching(/^`sh -c 'echo started; sleep 30'` on .+: killed by SIGTERM, 1 line of output:\nstarted$/),
      },
    ]);
    expect((await heartbeatOf('cli-run-killed')).status).toBe('dead');
  });

  it('prints its help', async () => {
    const result = await watchtower(['run', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: watchtower run <service> \[--cron EXPR\] \[--tz ZONE\] \[--period DURATION\]/);
  });

  it('names run in the error of an unknown option, before the job', async () => {
    const result = await watchtower(['run', 'cli-run-typo', '--next-in', '1d', '--alert', 'log:ops', '--tial', '5', '--', 'true']);
    expect(result).toMatchObject({ code: 2, stdout: '', stderr: 'watchtower run: unknown option --tial; see watchtower run --help\n' });
    expect((await api(server.url, '/heartbeat/cli-run-typo')).status).toBe(404);
  });
});

describe('watchtower service put, pause, resume, delete, runs and log', () => {
  it('creates a service with its schedule, alert, description and tags, and prints them with its ping URL', async () => {
    const result = await watchtower([
      'service',
      'put',
      'cli-put',
      '--cron',
      '0 3 * * *',
      '--tz',
      'Europe/Paris',
      '--grace',
      '1h',
      '--alert',
      'log:ops',
      '--description',
      'the nightly dump',
      '--tag',
      'db',
      '--tag',
      'nightly',
    ]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(
      /^configured cli-put \(new\): cron "0 3 \* \* \*" in Europe\/Paris, grace 1 h; alerts go to log:ops\nit is watched from its first signal .*\nping URL: http:\/\/\S+\/ping\/\S+\n$/,
    );
    expect(await heartbeatOf('cli-put')).toMatchObject({
      status: 'new',
      schedule: { kind: 'cron', cron: '0 3 * * *', tz: 'Europe/Paris' },
      grace: 3_600,
      description: 'the nightly dump',
      tags: ['db', 'nightly'],
    });
  });

  it('replaces the whole configuration of a known service', async () => {
    await watchtower(['service', 'put', 'cli-put-again', '--period', '1d', '--description', 'old', '--tag', 'x']);
    const result = await watchtower(['service', 'put', 'cli-put-again', '--next-in', '2h', '--json']);
    expect(JSON.parse(result.stdout)).toMatchObject({ schedule: { kind: 'nextIn', nextIn: 7_200 }, description: null, tags: [] });
  });

  it("says in one line what the server refused in a service's settings", async () => {
    const result = await watchtower(['service', 'put', 'cli-put-bad', '--cron', '0 3 * *']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^watchtower service put: the server refused it \(400 VALIDATION_FAILED\): cron .*\(4 fields\)\n$/);
  });

  it('pauses a service and resumes it', async () => {
    await watchtower(['pulse', 'cli-pause', '--next-in', '1h', '--alert', 'log:ops']);
    expect(await watchtower(['pause', 'cli-pause'])).toEqual({
      code: 0,
      stdout: 'paused cli-pause: no alert until watchtower resume cli-pause\n',
      stderr: '',
    });
    expect((await heartbeatOf('cli-pause')).status).toBe('paused');
    const resumed = await watchtower(['resume', 'cli-pause']);
    expect(resumed).toMatchObject({ code: 0, stdout: expect.stringMatching(/^resumed cli-pause: it is \w+\n$/) });
    expect((await heartbeatOf('cli-pause')).status).not.toBe('paused');
  });

  it('deletes a service with its runs and events without asking, saying what it deleted', async () => {
    await watchtower(['run', 'cli-delete', '--period', '1d', '--', 'true']);
    await watchtower(['log', 'cli-delete', 'about to go']);
    const result = await watchtower(['delete', 'cli-delete']);
    expect(result).toEqual({ code: 0, stdout: 'deleted cli-delete (alive, every 1 d), with its runs and events\n', stderr: '' });
    expect((await api(server.url, '/heartbeat/cli-delete')).status).toBe(404);
    expect(await eventsOf('cli-delete')).toEqual([]);
    await watchtower(['service', 'put', 'cli-delete-quiet', '--period', '1d']);
    expect(await watchtower(['delete', 'cli-delete-quiet', '-q'])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect((await api(server.url, '/heartbeat/cli-delete-quiet')).status).toBe(404);
  });

  it('says in one line that a service to delete is unknown', async () => {
    const result = await watchtower(['delete', 'cli-delete-nobody']);
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr).toMatch(/^watchtower delete: the server refused it \(404 NOT_FOUND\): .*cli-delete-nobody/);
  });

  it('lists the runs of a service as a table, newest first, and as JSON', async () => {
    await watchtower(['run', 'cli-runs', '--period', '1d', '--', 'sh', '-c', 'echo first line; echo all done']);
    await watchtower(['run', 'cli-runs', '--', 'sh', '-c', 'echo broken >&2; exit 5']);
    const result = await watchtower(['runs', 'cli-runs']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^STARTED +DURATION +OUTCOME +EXIT +MESSAGE$/);
    expect(lines[1]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +[\d.]+ s +fail +5 +broken$/);
    expect(lines[2]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +[\d.]+ s +success +- +all done$/);
    expect(lines).toHaveLength(3);
    const json = JSON.parse((await watchtower(['runs', 'cli-runs', '--limit', '1', '--json'])).stdout);
    expect(json).toMatchObject([{ outcome: 'fail', exitCode: 5 }]);
    expect(json).toHaveLength(1);
  });

  it('says when a service has no runs yet, and prints nothing with -q', async () => {
    await watchtower(['service', 'put', 'cli-runs-none', '--period', '1d']);
    expect(await watchtower(['runs', 'cli-runs-none'])).toEqual({ code: 0, stdout: 'no runs of cli-runs-none yet\n', stderr: '' });
    expect(await watchtower(['runs', 'cli-runs-none', '-q'])).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('logs the words after the service as one message, changing nothing else', async () => {
    await watchtower(['service', 'put', 'cli-log', '--period', '1d']);
    const result = await watchtower(['log', 'cli-log', 'rotated', '3', 'files']);
    expect(result).toMatchObject({ code: 0, stdout: expect.stringMatching(/^logged event \d+ of cli-log\n$/), stderr: '' });
    expect(await eventsOf('cli-log')).toMatchObject([{ level: 20, message: 'rotated 3 files' }]);
    expect((await heartbeatOf('cli-log')).status).toBe('new');
  });

  it('pulses a known service without --next-in and --alert, with a message', async () => {
    await watchtower(['service', 'put', 'cli-pulse-known', '--next-in', '2h', '--alert', 'log:night-shift']);
    const result = await watchtower(['pulse', 'cli-pulse-known', '--message', 'all good']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^pulsed cli-pulse-known: log:night-shift is alerted if it is silent past .* \(in 2 h\)\n$/);
  });
});

describe('watchtower --quiet', () => {
  it('prints nothing when a pulse and a cancel succeed, and still records them', async () => {
    const pulse = await watchtower(['-q', 'pulse', 'cli-quiet-pulse', '--next-in', '1h', '--alert', 'log:ops']);
    expect(pulse).toEqual({ code: 0, stdout: '', stderr: '' });
    expect((await api(server.url, '/heartbeat/cli-quiet-pulse')).body.heartBeat).toMatchObject({ nextIn: 3_600, status: 'alive' });
    expect(await watchtower(['cancel', 'cli-quiet-pulse', '--quiet'])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect((await api(server.url, '/heartbeat/cli-quiet-pulse')).body.heartBeat.status).toBe('cancelled');
  });

  it('prints nothing when an event is recorded, even with --json, and still records it', async () => {
    const result = await watchtower(['event', 'cli-quiet-event', 'rotated the logs', '--quiet', '--json']);
    expect(result).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await eventsOf('cli-quiet-event')).toMatchObject([{ level: 20, message: 'rotated the logs' }]);
  });

  it("passes only the job's own output through when run succeeds, and pulses", async () => {
    const job = "console.log('backed up'); console.error('warning: slow disk')";
    const result = await watchtower([
      '-q',
      'run',
      'cli-quiet-run',
      '--next-in',
      '1d',
      '--alert',
      'log:ops',
      '--',
      process.execPath,
      '-e',
      job,
    ]);
    expect(result).toEqual({ code: 0, stdout: 'backed up\n', stderr: 'warning: slow disk\n' });
    expect((await api(server.url, '/heartbeat/cli-quiet-run')).body.heartBeat).toMatchObject({ nextIn: 86_400, status: 'alive' });
  });

  it('still says on stderr that a run failed, with the exit code of the job', async () => {
    const result = await watchtower(['-q', 'run', 'cli-quiet-fail', '--next-in', '1d', '--alert', 'log:ops', '--', 'false']);
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: 'watchtower run: cli-quiet-fail failed (exit code 1); recorded as a failed run\n',
    });
  });

  it('still says on stderr what the server refused, and what is missing on the command line', async () => {
    const refused = await watchtower([
      '-q',
      'pulse',
      'cli-quiet-refused',
      '--next-in',
      '1h',
      '--alert',
      'pushover:uQiRzpo4DXghDmr9QzzfQu27cmVRsG',
    ]);
    expect(refused).toMatchObject({ code: 1, stdout: '' });
    expect(refused.stderr).toMatch(/^watchtower pulse: the server refused it \(400 VALIDATION_FAILED\): .*PUSHOVER_TOKEN\n$/);
    const wrong = await watchtower(['-q', 'event', 'cli-quiet-refused', 'hello'], { WATCHTOWER_PASSWORD: 'not-the-password' });
    expect(wrong).toEqual({
      code: 1,
      stdout: '',
      stderr: 'watchtower event: the server refused the password (401): check WATCHTOWER_PASSWORD\n',
    });
    const usage = await watchtower(['-q', 'pulse', 'cli-quiet-refused', '--alert', 'log']);
    expect(usage).toEqual({
      code: 2,
      stdout: '',
      stderr: 'watchtower pulse: --alert log: needs the address after the colon, such as --alert log:TARGET; see watchtower pulse --help\n',
    });
    const unknown = await watchtower(['-q', 'pulse', 'cli-quiet-refused', '--alert', 'log:ops']);
    expect(unknown).toMatchObject({ code: 1, stdout: '' });
    expect(unknown.stderr).toMatch(/^watchtower pulse: the server refused it \(400 VALIDATION_FAILED\): .*nextIn/);
  });

  it('still prints the events and heartbeats found, and nothing (or [] as JSON) when none match', async () => {
    await watchtower(['event', 'cli-quiet-found', 'disk 95% full', '--level', 'error']);
    const found = await watchtower(['-q', 'events', '--service', 'cli-quiet-found']);
    expect(found).toMatchObject({ code: 0, stderr: '' });
    expect(found.stdout).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d {2}error {2}cli-quiet-found {2}disk 95% full\n$/);
    expect(await watchtower(['-q', 'events', '--service', 'cli-quiet-none'])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await watchtower(['-q', 'events', '--service', 'cli-quiet-none', '--json'])).toEqual({ code: 0, stdout: '[]\n', stderr: '' });
    expect(await watchtower(['events', '--service', 'cli-quiet-none'])).toEqual({ code: 0, stdout: 'no events match\n', stderr: '' });
    await watchtower(['pulse', 'cli-quiet-list', '--next-in', '1d', '--alert', 'log:ops']);
    expect((await watchtower(['-q', 'list'])).stdout).toMatch(/^cli-quiet-list +alive /m);
  });
});

describe('watchtower keys', () => {
  it('creates a key, printing its secret once with a line that says so', async () => {
    const result = await watchtower(['keys', 'create', '--name', 'cli reader', '--scope', 'read']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const [made, secretLine, once, ...more] = result.stdout.split('\n');
    expect(made).toMatch(/^created key key_[0-9a-f]{12} "cli reader" with scope read$/);
    expect(secretLine).toMatch(/^secret: wt_[A-Za-z0-9_-]{43}$/);
    expect(once).toBe('This secret is shown once: store it now (the server keeps only its hash).');
    expect(more).toEqual(['']);
    const secret = secretLine!.slice('secret: '.length);
    expect((await api(server.url, '/heartbeats', { headers: { password: secret } })).status).toBe(200);
    expect((await api(server.url, '/heartbeat', { method: 'POST', headers: { password: secret } })).status).toBe(403);
  });

  it('prints the secret alone with -q, and the key with its secret as JSON with --json', async () => {
    const quiet = await watchtower(['-q', 'keys', 'create', '--name', 'cli quiet', '--scope', 'pulse']);
    expect(quiet).toMatchObject({ code: 0, stderr: '' });
    expect(quiet.stdout).toMatch(/^wt_[A-Za-z0-9_-]{43}\n$/);
    const pulse = { service: 'cli-key-pulse', nextIn: 60, alertType: 'log', alertTarget: 'ops' };
    const pulsed = await api(server.url, '/heartbeat', {
      method: 'POST',
      body: JSON.stringify(pulse),
      headers: { password: quiet.stdout.trim() },
    });
    expect(pulsed.status).toBe(200);
    const json = await watchtower(['keys', 'create', '--name', 'cli json', '--scope', 'admin', '--json']);
    expect(JSON.parse(json.stdout)).toEqual({
      key: { id: expect.stringMatching(/^key_/), name: 'cli json', scope: 'admin', created: expect.any(Number), lastUsed: null },
      secret: expect.stringMatching(/^wt_/),
    });
  });

  it('lists the keys without their secrets, and when each was last used', async () => {
    const secret = (await watchtower(['-q', 'keys', 'create', '--name', 'cli listed', '--scope', 'read'])).stdout.trim();
    const before = await watchtower(['keys', 'list']);
    expect(before.stdout).toMatch(/^ID +NAME +SCOPE +CREATED +LAST USED$/m);
    expect(before.stdout).toMatch(/^key_[0-9a-f]{12} +cli listed +read +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +never$/m);
    expect(before.stdout).not.toContain(secret);
    await watchtower(['list'], { WATCHTOWER_PASSWORD: secret });
    await eventually(async () => /^key_\w+ +cli listed +read +\S+ \S+ +.* ago$/m.test((await watchtower(['keys', 'list'])).stdout));
    const json = JSON.parse((await watchtower(['keys', 'list', '--json'])).stdout) as Array<{ name: string; lastUsed: number | null }>;
    expect(json.find((key) => key.name === 'cli listed')?.lastUsed).toEqual(expect.any(Number));
  });

  it('revokes a key, which the server then refuses; an unknown id exits 1 with the hint', async () => {
    const made = JSON.parse((await watchtower(['keys', 'create', '--name', 'cli revoked', '--scope', 'read', '--json'])).stdout);
    const result = await watchtower(['keys', 'revoke', made.key.id]);
    expect(result).toEqual({
      code: 0,
      stdout: `revoked key ${made.key.id} "cli revoked" (scope read): it is refused from now on\n`,
      stderr: '',
    });
    expect((await api(server.url, '/heartbeats', { headers: { password: made.secret } })).status).toBe(401);
    expect(await watchtower(['keys', 'revoke', made.key.id])).toEqual({
      code: 1,
      stdout: '',
      stderr: `watchtower keys revoke: the server refused it (404 NOT_FOUND): no key with id "${made.key.id}"; GET /keys lists them\n`,
    });
  });

  it('says which scope is needed when a key is not enough', async () => {
    const secret = (await watchtower(['-q', 'keys', 'create', '--name', 'cli pulser', '--scope', 'pulse'])).stdout.trim();
    expect(
      await watchtower(['-q', 'pulse', 'cli-key-pulser', '--next-in', '1h', '--alert', 'log:ops'], { WATCHTOWER_PASSWORD: secret }),
    ).toEqual({
      code: 0,
      stdout: '',
      stderr: '',
    });
    expect(await watchtower(['keys', 'create', '--name', 'escalation', '--scope', 'admin'], { WATCHTOWER_PASSWORD: secret })).toEqual({
      code: 1,
      stdout: '',
      stderr: 'watchtower keys create: the server refused it (403 FORBIDDEN): this key has scope pulse; POST /keys needs an admin key\n',
    });
  });
});

describe('watchtower password files', () => {
  const WRONG = 'not-the-password';
  let folder: string;

  beforeAll(() => {
    folder = temporaryFolder('watchtower-cli-password-');
  });

  function fileWith(name: string, content: string): string {
    const path = join(folder, name);
    writeFileSync(path, content);
    return path;
  }

  it.each([
    ['with', `${PASSWORD}\n`],
    ['without', PASSWORD],
  ])('reads the password from --password-file, %s a trailing newline', async (name, content) => {
    const file = fileWith(`${name}-newline`, content);
    const result = await watchtower(['--password-file', file, 'pulse', `cli-file-${name}`, '--next-in', '1h', '--alert', 'log:ops'], {
      WATCHTOWER_PASSWORD: '',
    });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect((await api(server.url, `/heartbeat/cli-file-${name}`)).status).toBe(200);
  });

  it('reads the password from the file of WATCHTOWER_PASSWORD_FILE', async () => {
    const env = { WATCHTOWER_PASSWORD: '', WATCHTOWER_PASSWORD_FILE: fileWith('env-file', `${PASSWORD}\n\n`) };
    expect(await watchtower(['event', 'cli-env-file', 'read the file'], env)).toMatchObject({ code: 0, stderr: '' });
    expect(await eventsOf('cli-env-file')).toMatchObject([{ message: 'read the file' }]);
  });

  it('takes --password before both variables', async () => {
    const env = { WATCHTOWER_PASSWORD: WRONG, WATCHTOWER_PASSWORD_FILE: fileWith('loses-1', WRONG) };
    expect(await watchtower(['list', '--password', PASSWORD], env)).toMatchObject({ code: 0, stderr: '' });
    const right = { WATCHTOWER_PASSWORD: PASSWORD, WATCHTOWER_PASSWORD_FILE: fileWith('right-1', PASSWORD) };
    expect(await watchtower(['list', '--password', WRONG], right)).toEqual({
      code: 1,
      stdout: '',
      stderr: 'watchtower list: the server refused the password (401): check --password\n',
    });
  });

  it('takes --password-file before both variables', async () => {
    const env = { WATCHTOWER_PASSWORD: WRONG, WATCHTOWER_PASSWORD_FILE: fileWith('loses-2', WRONG) };
    expect(await watchtower(['list', '--password-file', fileWith('wins-2', PASSWORD)], env)).toMatchObject({ code: 0, stderr: '' });
    const wrong = fileWith('wrong-2', `${WRONG}\n`);
    const right = { WATCHTOWER_PASSWORD: PASSWORD, WATCHTOWER_PASSWORD_FILE: fileWith('right-2', PASSWORD) };
    expect(await watchtower(['list', '--password-file', wrong], right)).toEqual({
      code: 1,
      stdout: '',
      stderr: `watchtower list: the server refused the password (401): check the file "${wrong}" of --password-file\n`,
    });
  });

  it('takes WATCHTOWER_PASSWORD before WATCHTOWER_PASSWORD_FILE', async () => {
    const env = { WATCHTOWER_PASSWORD: PASSWORD, WATCHTOWER_PASSWORD_FILE: fileWith('loses-3', WRONG) };
    expect(await watchtower(['list'], env)).toMatchObject({ code: 0, stderr: '' });
    const wrong = fileWith('wrong-3', WRONG);
    expect(await watchtower(['list'], { WATCHTOWER_PASSWORD: '', WATCHTOWER_PASSWORD_FILE: wrong })).toEqual({
      code: 1,
      stdout: '',
      stderr: `watchtower list: the server refused the password (401): check the file "${wrong}" of WATCHTOWER_PASSWORD_FILE\n`,
    });
  });

  it('refuses --password and --password-file together, asking to pick one', async () => {
    const result = await watchtower(['--password', PASSWORD, 'list', '--password-file', fileWith('both', PASSWORD)]);
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: 'watchtower list: --password and --password-file both give the password: pick one; see watchtower list --help\n',
    });
  });

  it('names the file and the reason when the file cannot be read, and does not start the job', async () => {
    const missing = join(folder, 'no-such-file');
    const marker = join(folder, 'job-ran');
    const job = ['run', 'cli-file-missing', '--next-in', '1d', '--alert', 'log:ops', '--', 'touch', marker];
    expect(await watchtower(['--password-file', missing, ...job])).toEqual({
      code: 2,
      stdout: '',
      stderr: `watchtower run: cannot read the password file "${missing}" (--password-file): no such file or directory (ENOENT); see watchtower run --help\n`,
    });
    expect(existsSync(marker)).toBe(false);
    expect(await watchtower(['list'], { WATCHTOWER_PASSWORD: '', WATCHTOWER_PASSWORD_FILE: missing })).toEqual({
      code: 2,
      stdout: '',
      stderr: `watchtower list: cannot read the password file "${missing}" (WATCHTOWER_PASSWORD_FILE): no such file or directory (ENOENT); see watchtower list --help\n`,
    });
  });

  it('says that the password file is empty', async () => {
    const empty = fileWith('empty', '\n');
    expect(await watchtower(['-q', 'list', '--password-file', empty])).toEqual({
      code: 2,
      stdout: '',
      stderr: `watchtower list: the password file "${empty}" (--password-file) is empty; write the server's password in it; see watchtower list --help\n`,
    });
  });

  it('asks for a password when none is given, naming every way to give one', async () => {
    expect(await watchtower(['list'], { WATCHTOWER_PASSWORD: '' })).toEqual({
      code: 2,
      stdout: '',
      stderr:
        "watchtower list: no password: set WATCHTOWER_PASSWORD or WATCHTOWER_PASSWORD_FILE (or pass --password-file or --password) to the server's password; see watchtower list --help\n",
    });
  });
});
