import { PulseRequest } from '@watchtower/protocol';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Storage } from '../src/db/client.js';
import { createPulseRecorder } from '../src/domain/heartbeats/record-pulse.js';
import { createTestStorage } from './support/databases.js';

// A pulse stamped a moment before a sweep claims its service, but written after the
// claim committed (it waited for the claim's row lock), must queue its recovery behind the
// claim's down: the last message the on-call reads says "up".
describe('a recovery that races the death claim (PostgreSQL)', () => {
  let storage: Storage & { url?: string };
  let other: postgres.Sql;

  beforeAll(async () => {
    storage = await createTestStorage('postgres');
    other = postgres(storage.url!, { max: 1, onnotice: () => {} });
  });
  afterAll(async () => {
    await other.end();
    await storage.close();
  });

  it('queues the recovery after the down that a concurrent claim raised', async () => {
    const base = Date.UTC(2026, 0, 1, 12);
    const at = (seconds: number) => new Date(base + seconds * 1000);
    const request = PulseRequest.parse({ service: 'disk', alertType: 'log', alertTarget: 'ops', nextIn: 10 });
    await createPulseRecorder({ db: storage, clock: { now: () => at(0) } })(request);

    // The claim at +10.6 s holds its transaction open while the pulse stamped +10.5 s arrives.
    let claimed!: () => void;
    const holding = new Promise<void>((done) => (claimed = done));
    const claim = other.begin(async (tx) => {
      await tx`update heartbeats set alerted = true where service = 'disk'`;
      await tx`insert into alerts (kind, service, channel, target, details, next_attempt_at, created_at)
               values ('down', 'disk', 'log', 'ops', '{}'::jsonb, ${at(10.6)}, ${at(10.6)})`;
      claimed();
      await new Promise((done) => setTimeout(done, 500));
    });
    await holding;
    await createPulseRecorder({ db: storage, clock: { now: () => at(10.5) } })(request);
    await claim;

    const rows = await other<{ kind: string; status: string }[]>`
      select kind, status from alerts where service = 'disk' order by created_at, id`;
    expect(rows.map((row) => row.kind)).toEqual(['down', 'recovered']);
  });
});
