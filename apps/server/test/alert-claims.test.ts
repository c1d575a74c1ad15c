import { describe, expect, it } from 'vitest';
import { claimDueAlerts } from '../src/domain/outbox/delivery-queue.js';
import { systemClock } from '../src/lib/clock.js';
import { DATABASE_KINDS, createTestStorage } from './support/databases.js';

// Thousands of alerts can fall due in the same second (a network outage kills every
// service at once). Each claim must take the few it hands out from the head of the pending
// index, not sort them all: the sender claims 32 at a time, so that was 300 sorts of 10,000.

describe.each(DATABASE_KINDS)('claims of due alerts on %s', (kind) => {
  it('walk the pending index in due order without sorting, even on statistics from an empty table', async () => {
    const storage = await createTestStorage(kind);
    try {
      // The statistics say the table is empty; then 5,000 alerts fall due.
      await storage.query('analyze alerts', []);
      await storage.query(
        `insert into alerts (kind, service, channel, target, details, next_attempt_at, created_at)
         select case when i % 10 = 0 then 'event' else 'down' end, 's' || i, 'log', 'ops', '{}'::jsonb,
           now() - (5000 - i) * interval '1 millisecond', now() - interval '1 minute'
         from generate_series(1, 5000) i`,
        [],
      );
      const ctx = { db: storage, clock: systemClock };
      const plans: string[] = [];
      await storage.transaction(async (tx) => {
        await tx.query(`select set_config('enable_sort', 'off', true), set_config('enable_bitmapscan', 'off', true)`, []);
        const rows = await tx.query(
          `explain select c.id from alerts c where c.status = 'pending' and c.next_attempt_at <= now() and (c.kind = 'event') = false
           order by c.next_attempt_at limit 32 for update skip locked`,
          [],
          { prepare: false },
        );
        plans.push(rows.map((row) => Object.values(row)[0]).join('\n'));
      });
      expect(plans[0]).toMatch(/Index Scan using alerts_pending_due_idx/);
      expect(plans[0]).not.toMatch(/Sort/);
      // Heartbeat alerts first, oldest due first; event alerts only with the room left.
      const first = await claimDueAlerts(ctx, { leaseMs: 30_000, limit: 3 });
      expect(first.map((claim) => claim.alert.service).sort()).toEqual(['s1', 's2', 's3']);
      const urgent = await claimDueAlerts(ctx, { leaseMs: 30_000, limit: 5000, events: false });
      expect(urgent).toHaveLength(4500 - 3);
      const rest = await claimDueAlerts(ctx, { leaseMs: 30_000, limit: 600 });
      expect(rest.map((claim) => claim.alert.kind)).toEqual(Array(500).fill('event'));
    } finally {
      await storage.close();
    }
  }, 60_000);
});
