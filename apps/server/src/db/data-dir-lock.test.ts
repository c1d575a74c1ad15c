import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { DATA_DIR_LOCK, DataDirLockedError, lockDataDir, type ReleaseDataDirLock } from './data-dir-lock.js';

// The smallest stale window proper-lockfile accepts, so that waiting for one stays short.
const STALE_MS = 2_000;
const SERVER_DIR = join(dirname(fileURLToPath(import.meta.url)), '../..');

const folders: string[] = [];
const releases: ReleaseDataDirLock[] = [];
const children = new Set<ChildProcess>();
const compromises: Error[] = [];

afterEach(async () => {
  await Promise.all(releases.splice(0).map((release) => release()));
  for (const child of children) child.kill('SIGKILL');
  children.clear();
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
  expect(compromises.splice(0)).toEqual([]);
});

function dataFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'watchtower-lock-'));
  folders.push(folder);
  return folder;
}

function recordingLogger() {
  const lines: string[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
  return { log, messages: () => lines.map((line) => (JSON.parse(line) as { msg: string }).msg) };
}

async function take(dataDir: string, log = recordingLogger().log): Promise<ReleaseDataDirLock> {
  const release = await lockDataDir(dataDir, { log, staleMs: STALE_MS, onCompromised: (error) => compromises.push(error) });
  releases.push(release);
  return release;
}

/** A lock folder as a killed process leaves it: not refreshed for a minute. */
function leaveStaleLock(dataDir: string): void {
  const path = join(dataDir, DATA_DIR_LOCK);
  mkdirSync(path);
  const aMinuteAgo = new Date(Date.now() - 60_000);
  utimesSync(path, aMinuteAgo, aMinuteAgo);
}

// A child process that loads this module, says "ready", takes the lock of every folder in
// LOCK_FOLDERS at once when it reads "go", prints the outcomes, and holds what it won
// until its stdin closes.
const CHILD = `
const { lockDataDir } = await import('./src/db/data-dir-lock.ts');
const { silentLogger } = await import('./src/lib/logger.ts');
const folders = JSON.parse(process.env.LOCK_FOLDERS);
const staleMs = Number(process.env.LOCK_STALE_MS);
process.stdin.setEncoding('utf8');
const go = new Promise((start) => process.stdin.once('data', start));
console.log('ready');
await go;
const outcomes = await Promise.all(folders.map((folder) =>
  lockDataDir(folder, { log: silentLogger, staleMs, onCompromised: () => console.log('compromised') }).then(
    () => 'won',
    (error) => (error.name === 'DataDirLockedError' ? 'locked' : String(error)),
  )));
console.log(JSON.stringify(outcomes));
process.stdin.on('end', () => process.exit(0));
`;

interface LockingChild {
  child: ChildProcess;
  /** Resolves with each line the child prints, in order. */
  nextLine(): Promise<string>;
}

function spawnLockingChild(folders: string[]): LockingChild {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD], {
    cwd: SERVER_DIR,
    env: { ...process.env, LOCK_FOLDERS: JSON.stringify(folders), LOCK_STALE_MS: String(STALE_MS) },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  children.add(child);
  const lines: string[] = [];
  const waiting: ((line: string) => void)[] = [];
  let buffer = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    for (let end = buffer.indexOf('\n'); end >= 0; end = buffer.indexOf('\n')) {
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + 1);
      const waiter = waiting.shift();
      if (waiter) waiter(line);
      else lines.push(line);
    }
  });
  return {
    child,
    nextLine: () => {
      const line = lines.shift();
      return line === undefined ? new Promise((found) => waiting.push(found)) : Promise.resolve(line);
    },
  };
}

describe('the data-folder lock', () => {
  it('gives a folder to one holder and takes it back on release', async () => {
    const dataDir = dataFolder();
    const release = await take(dataDir);
    expect(statSync(join(dataDir, DATA_DIR_LOCK)).isDirectory()).toBe(true);

    await release();
    expect(() => statSync(join(dataDir, DATA_DIR_LOCK))).toThrow(/ENOENT/);
    await take(dataDir);
  });

  it('refuses a folder whose owner keeps its lock fresh, naming the folder, within the stale window', async () => {
    const dataDir = dataFolder();
    await take(dataDir);

    const startedAt = Date.now();
    const second = take(dataDir);
    await expect(second).rejects.toBeInstanceOf(DataDirLockedError);
    await expect(second).rejects.toThrow(dataDir);
    expect(Date.now() - startedAt).toBeLessThan(STALE_MS + 5_000);
  });

  it('takes over a lock that has not been refreshed for the stale window, and says so', async () => {
    const dataDir = dataFolder();
    leaveStaleLock(dataDir);
    const { log, messages } = recordingLogger();

    await take(dataDir, log);
    expect(messages()).toEqual([expect.stringMatching(/took over the data folder lock/)]);
  });

  it('waits for the lock of a killed process to go stale, then takes it over', async () => {
    const dataDir = dataFolder();
    const owner = spawnLockingChild([dataDir]);
    expect(await owner.nextLine()).toBe('ready');
    owner.child.stdin!.write('go\n');
    expect(await owner.nextLine()).toBe('["won"]');
    owner.child.kill('SIGKILL');
    await new Promise((gone) => owner.child.once('exit', gone));

    const { log, messages } = recordingLogger();
    const startedAt = Date.now();
    await take(dataDir, log);
    expect(Date.now() - startedAt).toBeLessThan(STALE_MS + 5_000);
    expect(messages()).toEqual([
      expect.stringMatching(/locked; waiting up to 2 s/),
      expect.stringMatching(/took over the data folder lock/),
    ]);
  }, 30_000);

  it.each([
    { what: 'an empty lock file', content: '' },
    { what: 'a lock file naming a running pid', content: `${process.pid}\n` },
  ])('removes $what left by an earlier version and takes the folder at once', async ({ content }) => {
    const dataDir = dataFolder();
    writeFileSync(join(dataDir, DATA_DIR_LOCK), content);
    const { log, messages } = recordingLogger();

    await take(dataDir, log);
    expect(messages()).toEqual([expect.stringMatching(/removed a lock file left by an earlier version/)]);
    expect(statSync(join(dataDir, DATA_DIR_LOCK)).isDirectory()).toBe(true);
  });

  it('lets exactly one of several processes racing for a stale lock win it', async () => {
    // Many folders at once, so that the processes meet in the takeover many times.
    const dataDirs = Array.from({ length: 32 }, () => dataFolder());
    for (const dataDir of dataDirs) leaveStaleLock(dataDir);
    const racers = Array.from({ length: 4 }, () => spawnLockingChild(dataDirs));
    for (const racer of racers) expect(await racer.nextLine()).toBe('ready');

    for (const racer of racers) racer.child.stdin!.write('go\n');
    const outcomes = await Promise.all(racers.map(async (racer) => JSON.parse(await racer.nextLine()) as string[]));

    const winners = dataDirs.map((_, folder) => outcomes.filter((outcome) => outcome[folder] === 'won').length);
    expect(winners).toEqual(dataDirs.map(() => 1));
    expect(outcomes.flat().filter((outcome) => outcome !== 'won' && outcome !== 'locked')).toEqual([]);
  }, 60_000);

  it.each([
    { what: 'its lock folder vanishes', steal: (path: string) => rmSync(path, { recursive: true }) },
    {
      what: 'another process replaces its lock',
      steal: (path: string) => {
        rmSync(path, { recursive: true });
        mkdirSync(path);
        // Its owner's time: a file system that keeps whole seconds could otherwise show
        // the same mtime as the holder's last refresh.
        const theirs = new Date(Date.now() + 5_000);
        utimesSync(path, theirs, theirs);
      },
    },
  ])('tells its holder at once when $what', async ({ steal }) => {
    const dataDir = dataFolder();
    let compromised: (error: Error) => void = () => undefined;
    const told = new Promise<Error>((tell) => (compromised = tell));
    const release = await lockDataDir(dataDir, { log: recordingLogger().log, staleMs: STALE_MS, onCompromised: compromised });

    const stolenAt = Date.now();
    steal(join(dataDir, DATA_DIR_LOCK));
    expect(await told).toMatchObject({ code: 'ECOMPROMISED' });
    expect(Date.now() - stolenAt).toBeLessThan(STALE_MS + 1_000);
    // Releasing a lock that is no longer ours leaves the new owner's in place.
    await release();
  });
});
