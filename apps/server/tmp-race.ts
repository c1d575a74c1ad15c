import { PulseRequest } from '@watchtower/protocol';
import { createTestStorage } from './test/support/databases.js';
import { claimOverdueHeartbeats } from './src/domain/alerts/claim-overdue-heartbeats.js';
import { createPulseRecorder } from './src/domain/heartbeats/record-pulse.js';
import type { Storage } from './src/db/client.js';

const storage = await createTestStorage('postgres');
try {
  const t0 = Date.UTC(2026, 0, 1);
  const rec = (ms: number) => createPulseRecorder(storage, { now: () => new Date(ms) });
  const p = (nextIn: number) => PulseRequest.parse({ service: 'disk', alertType: 'log', alertTarget: 'x', nextIn });
  // Pulse far in the past so it's not "late"; nextIn 10 s
  await rec(t0)(p(10));
  // The sweep holds its transaction open a while after claiming
  const slow: Storage = {
    ...storage,
    transaction: (work) => storage.transaction(async (q) => {
      const r = await work(q);
      await new Promise((w) => setTimeout(w, 500));
      return r;
    }),
  };
  const receivedAt = t0 + 10_500; // the late pulse, stamped before the sweep's now
  const sweepNow = new Date(t0 + 10_600);
  const sweep = claimOverdueHeartbeats(slow, sweepNow);
  await new Promise((w) => setTimeout(w, 100));
  const pulse = rec(receivedAt)(p(3600));
  console.log('claims', (await sweep).map((c) => c.service));
  console.log('pulse recovery event?', (await pulse).recovery !== null);
  const rows = await storage.query<any>(`select kind, status, created_at, details from alerts order by created_at, id`, []);
  console.log(rows.map((r) => [r.kind, r.status, new Date(r.created_at).toISOString(), JSON.stringify(r.details)]));
} finally {
  await storage.close();
}
