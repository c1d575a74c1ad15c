import type { Db } from './client.js';

// For the rest of a transaction, plans that reach rows through an index, as the sweeper's and
// the sender's claims need whatever the statistics say: planned from none (a table that grew
// from empty, no ANALYZE yet), a claim over 100,000 services scanned them all, and a cost
// estimate that large had PostgreSQL compile it with JIT first, over a second per claim.
// PGlite has no JIT; the setting is still known there, and off.
const KEYED_PLANS = `select set_config('jit', 'off', true), set_config('enable_seqscan', 'off', true),
  set_config('enable_bitmapscan', 'off', true), set_config('enable_sort', 'off', true)`;

/** Within a transaction: its statements walk indexes (in their order, to their limit) and are never JIT-compiled. */
export async function planByKey(db: Pick<Db, 'query'>): Promise<void> {
  await db.query(KEYED_PLANS, []);
}
