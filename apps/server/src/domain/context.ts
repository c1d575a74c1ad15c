import type { Db } from '../db/client.js';
import type { Clock } from '../lib/clock.js';

/**
 * What every domain verb runs with: `verbNoun({ db, clock }, input)`. `db` is the database
 * or a transaction under way; `clock` says when "now" is.
 */
export interface DomainContext {
  db: Db;
  clock: Clock;
}

/** Runs `work` in one transaction (or as part of the one under way), with the same clock. */
export function inTransaction<T>(context: DomainContext, work: (tx: DomainContext) => Promise<T>): Promise<T> {
  return context.db.transaction((db) => work({ ...context, db }));
}
