import type { Storage } from './client.js';
import { isDatabaseUnavailable } from './errors.js';

/**
 * The time the database could not be used from this process. Pulses refused meanwhile
 * may have been lost, so the sweeper gives services grace for it before it claims deaths.
 */
export interface OutageTracker {
  /** When the current outage began, or null while the database answers. */
  since(): Date | null;
  /** Records that the database failed to answer at `at` (the earliest time wins). */
  noteUnavailable(at: Date): void;
  /** Ends the outage that began at `since`; a later one stays open. */
  end(since: Date): void;
}

export function createOutageTracker(): OutageTracker {
  let since: Date | null = null;
  return {
    since: () => since,
    noteUnavailable: (at) => {
      if (!since || at < since) since = at;
    },
    end: (ended) => {
      if (since && since.getTime() === ended.getTime()) since = null;
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
      if (isDatabaseUnavailable(error)) outage.noteUnavailable(began);
      throw error;
    }
  };
  return {
    ...storage,
    kind: storage.kind,
    db: storage.db,
    rows: (query) => watch(() => storage.rows(query)),
    query: (text, params) => watch(() => storage.query(text, params)),
    transaction: (work) => watch(() => storage.transaction(work)),
  };
}
