import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db, Query } from '../src/db/client.js';
import { recordPulses } from '../src/domain/heartbeats/record-pulse.js';
import { systemClock } from '../src/lib/clock.js';
import { createTestStorage } from './support/databases.js';

// A prepared statement keeps the plan it was given. Planned while `heartbeats` was empty
// and never analyzed (a fresh deployment; autovacuum may be off), a pulse batch that reached
// its rows by anything but the primary key scanned the whole table, every batch, forever.

/** Runs what a verb runs, and keeps each statement with its parameters. */
function recording(db: Db, statements: Array<{ text: string; params: unknown[] }>): Db {
  const query: Query = (text, params, options) => {
    statements.push({ text, params });
    return db.query(text, params, options);
  };
  return { query, transaction: (work) => db.transaction((tx) => work(recording(tx, statements))) };
}

/** A parameter written into the statement: EXECUTE takes no parameters of its own. */
function literal(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `array[${value.map(literal).join(', ')}]`;
  if (typeof value === 'number') return String(value);
  return `'${String(value).replaceAll("'", "''")}'`;
}

describe('the plan of a pulse batch on postgres', () => {
  let storage: Awaited<ReturnType<typeof createTestStorage>>;
  beforeAll(async () => {
    storage = await createTestStorage('postgres');
  });
  afterAll(() => storage?.close());

  it('reaches heartbeats by the primary key, planned generic on an empty table that grew since', async () => {
    const statements: Array<{ text: string; params: unknown[] }> = [];
    const context = { db: recording(storage.keyed, statements), clock: systemClock };
    const pulses = ['a', 'b', 'c'].map((service) => ({
      service,
      alert_type: 'log',
      alert_target: 'ops',
      next_in: 3600,
      message: null,
      rid: null,
    }));
    const batch = () => recordPulses(context, { pulses, deadline: new Date(Date.now() + 60_000), sentAt: new Date() });
    // New services take the full statement, alive ones the short one.
    await batch();
    await batch();
    const pulseStatements = statements.filter(({ text }) => /(insert into|update) heartbeats/.test(text));
    expect(pulseStatements.length).toBeGreaterThanOrEqual(2);
    await storage.query('truncate heartbeats cascade', []);

    // Planned as the server plans them: on the connections that serve the pulse path.
    const plans = await storage.keyed.transaction(async (tx) => {
      await tx.query(`select set_config('plan_cache_mode', 'force_generic_plan', true)`, [], { prepare: false });
      const explain = async (index: number, params: unknown[]) => {
        // Each $n of a pulse statement names its type; EXECUTE passes them the same way.
        const types = new Map([...pulseStatements[index]!.text.matchAll(/\$(\d+)::(\w+(?:\[\])?)/g)].map((m) => [m[1], m[2]]));
        const args = params.map((param, i) => `${literal(param)}::${types.get(String(i + 1)) ?? 'text'}`).join(', ');
        const rows = await tx.query(`explain execute pulse_plan_${index}(${args})`, [], { prepare: false });
        return rows.map((row) => Object.values(row)[0]).join('\n');
      };
      for (const [index, { text }] of pulseStatements.entries()) {
        // Through plpgsql: a PREPARE sent as a driver's statement would take its $n as its own.
        await tx.query(`do $plan$ begin execute $text$prepare pulse_plan_${index} as ${text}$text$; end $plan$`, [], { prepare: false });
      }
      const empty = await Promise.all(pulseStatements.map(({ params }, index) => explain(index, params)));
      await tx.query(
        `insert into heartbeats (service, alert_type, alert_target, next_in, last_at, expected_at)
         select 's' || i, 'log', 'ops', 3600, now(), now() + interval '1 hour' from generate_series(1, 20000) i`,
        [],
        { prepare: false },
      );
      const grown = await Promise.all(pulseStatements.map(({ params }, index) => explain(index, params)));
      for (const index of pulseStatements.keys()) await tx.query(`deallocate pulse_plan_${index}`, [], { prepare: false });
      return [...empty, ...grown];
    });
    for (const plan of plans) {
      expect(plan).toMatch(/Index (Only )?Scan (using|on) heartbeats_pkey/);
      expect(plan).not.toMatch(/Seq Scan on heartbeats/);
    }
  }, 60_000);
});
