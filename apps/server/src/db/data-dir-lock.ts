import { mkdirSync, type Stats } from 'node:fs';
import { lstat, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { lock } from 'proper-lockfile';
import type { Logger } from '../lib/logger.js';

export class DataDirLockedError extends Error {
  override name = 'DataDirLockedError';
}

/** The lock: a folder made atomically, whose mtime its owner keeps fresh. */
export const DATA_DIR_LOCK = 'watchtower.lock';
// Held only while a starting process looks at the lock and perhaps takes it over, so that
// two processes that both find it stale cannot both remove it and both win.
const TAKEOVER_GUARD = 'watchtower.lock.takeover';

export const DEFAULT_STALE_MS = 10_000;

export interface DataDirLockOptions {
  log: Logger;
  /** Another process took the lock, or its folder vanished: the caller must stop writing at once. */
  onCompromised: (error: Error) => void;
  /** A lock not refreshed for this long was left by a process that is gone. */
  staleMs?: number;
}

export type ReleaseDataDirLock = () => Promise<void>;

type Attempt = { release: ReleaseDataDirLock } | { refreshedAt: number | undefined };

const sleep = (ms: number) => new Promise((wait) => setTimeout(wait, ms));

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

async function findEntry(path: string): Promise<Stats | undefined> {
  try {
    return await lstat(path);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}

function createLockedError(dataDir: string): DataDirLockedError {
  return new DataDirLockedError(
    `the data folder ${dataDir} is in use by another watchtower process (it keeps ${join(dataDir, DATA_DIR_LOCK)} fresh); ` +
      'stop it, or give this one its own WATCHTOWER_DATA_DIR (or a DATABASE_URL to share PostgreSQL)',
  );
}

async function holdTakeoverGuard<T>(dataDir: string, staleMs: number, step: () => Promise<T>): Promise<T> {
  const guard = join(dataDir, TAKEOVER_GUARD);
  let release: () => Promise<void>;
  try {
    release = await lock(guard, {
      lockfilePath: guard,
      realpath: false,
      stale: staleMs,
      // Long enough to outlast a guard left by a process killed while holding it.
      retries: { retries: Math.ceil((2 * staleMs) / 100), factor: 1, minTimeout: 100, maxTimeout: 200, randomize: true },
      // The data-folder lock notices a takeover of its own; the guard only keeps takers apart.
      onCompromised: () => undefined,
    });
  } catch (error) {
    if (errorCode(error) === 'ELOCKED') throw createLockedError(dataDir);
    throw error;
  }
  try {
    return await step();
  } finally {
    await release().catch((error: unknown) => {
      if (errorCode(error) !== 'ERELEASED') throw error;
    });
  }
}

async function tryLock(dataDir: string, staleMs: number, options: DataDirLockOptions): Promise<Attempt> {
  const path = join(dataDir, DATA_DIR_LOCK);
  const found = await findEntry(path);
  if (found && !found.isDirectory()) {
    // Earlier versions kept a pid in a plain file there; a pid tells nothing across containers.
    await rm(path, { force: true });
    options.log.warn({ file: path }, 'removed a lock file left by an earlier version of watchtower');
  }
  const stale = found?.isDirectory() === true && found.mtimeMs < Date.now() - staleMs;
  let release: () => Promise<void>;
  try {
    release = await lock(path, {
      lockfilePath: path,
      realpath: false,
      stale: staleMs,
      update: staleMs / 5,
      onCompromised: options.onCompromised,
    });
  } catch (error) {
    if (errorCode(error) !== 'ELOCKED') throw error;
    return { refreshedAt: (await findEntry(path))?.mtimeMs };
  }
  if (stale) {
    options.log.warn({ dataDir, staleMs }, 'took over the data folder lock of a process that stopped without releasing it');
  }
  let released = false;
  return {
    release: async () => {
      if (released) return;
      released = true;
      await release().catch((error: unknown) => {
        // A compromised lock is no longer ours to remove.
        if (errorCode(error) !== 'ERELEASED') throw error;
      });
    },
  };
}

/**
 * Takes the data folder for this process, since two PGlite instances on one folder corrupt
 * it. A lock whose owner keeps it fresh is never taken; one left by a killed process goes
 * stale and is taken over after at most `staleMs`. Returns the function that gives it back.
 */
export async function lockDataDir(dataDir: string, options: DataDirLockOptions): Promise<ReleaseDataDirLock> {
  const staleMs = options.staleMs ?? DEFAULT_STALE_MS;
  mkdirSync(dataDir, { recursive: true });
  // Past this, a lock that was never seen refreshed still counts as held (clocks may differ).
  const giveUpAt = Date.now() + staleMs + 5_000;
  let firstSeen: number | undefined;
  for (;;) {
    const attempt = await holdTakeoverGuard(dataDir, staleMs, () => tryLock(dataDir, staleMs, options));
    if ('release' in attempt) return attempt.release;
    if (attempt.refreshedAt !== undefined) {
      if (firstSeen === undefined) {
        firstSeen = attempt.refreshedAt;
        options.log.warn(
          { dataDir, staleMs },
          `the data folder is locked; waiting up to ${Math.ceil(staleMs / 1000)} s to see whether its owner still runs or was killed`,
        );
      } else if (attempt.refreshedAt !== firstSeen || Date.now() > giveUpAt) {
        // A refreshed lock has a live owner.
        throw createLockedError(dataDir);
      }
    }
    await sleep(250);
  }
}
