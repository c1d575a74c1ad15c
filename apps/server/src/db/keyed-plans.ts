import type { Db } from './client.js';

// For the rest of a transaction, claims walk an index in its order and stop at their limit,
// whatever the statistics say: planned from none (a table that grew from empty, no ANALYZE
// yet), a claim sorted every due row first, and a cost estimate in the millions had
// PostgreSQL compile the statement with JIT, over a second per claim of the sweeper.
// PGlite has no JIT; the setting is still known there, and off.
const KEYED_PLANS = `select set_config('jit', 'off', true), set_config('enable_bitmapscan', 'off', true),
  set_config('enable_sort', 'off', true)`;

/** Within a transaction: its statements walk indexes in their order (no sort) and are never JIT-compiled. */
export async function planByKey(db: Pick<Db, 'query'>, { noSeqScan = false }: { noSeqScan?: boolean } = {}): Promise<void> {
  await db.query(noSeqScan ? `${KEYED_PLANS}, set_config('enable_seqscan', 'off', true)` : KEYED_PLANS, []);
}
