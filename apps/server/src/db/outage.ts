import type { Db, Storage } from './client.js';
import { isDatabaseUnreachable } from './errors.js';

/**
 * The time the database could not be used from this process. Pulses refused meanwhile
 * may have been lost, so the sweeper gives services grace for it before it claims deaths.
 */
export interface OutageTracker {
  /** When the current outage began, or null while the database answers. */
  since(): Date | null;
  /** Records that the database failed to answer at `at` (the earliest time wins). */
  noteUnavailable(at: Date): void;
  /** How many failures were noted so far: pass it to `end`. */
  failures(): number;
  /** Ends the outage, unless a failure was noted after `failures()` answered `seen`. */
  end(seen: number): void;
}

export function createOutageTracker(): OutageTracker {
  let since: Date | null = null;
  let failures = 0;
  return {
    since: () => since,
    noteUnavailable: (at) => {
      failures += 1;
      if (!since || at < since) since = at;
    },
    failures: () => failures,
    end: (seen) => {
      if (failures === seen) since = null;
    },
  };
}

/**
 * Wraps storage so that every query that fails because the database is out of reach
 * opens an outage, dated when the query began.
 */
export function watchOutages(storage: Storage, outage: OutageTracker, now: () => Date): Storage {
  const watch = async <T>(work: () => Promise<T>): Promise<T> => {
    const began = now();
    try {
      return await work();
    } catch (error) {
      if (isDatabaseUnreachable(error)) outage.noteUnavailable(began);
      throw error;
    }
  };
  const watched = (db: Db): Db => ({
    query: (text, params, options) => watch(() => db.query(text, params, options)),
    transaction: (work) => watch(() => db.transaction(work)),
  });
  return { ...storage, kind: storage.kind, ...watched(storage), keyed: watched(storage.keyed), listing: watched(storage.listing) };
}
