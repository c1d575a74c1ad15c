import { createTestStorage } from './test/support/databases.js';
import { graceUnheardTime } from './src/domain/heartbeats/restart-grace.js';
const kind = (process.argv[2] ?? 'pglite') as 'pglite' | 'postgres';
const n = Number(process.argv[3] ?? 20000);
const storage = await createTestStorage(kind);
try {
  const now = Date.now();
  await storage.query(`insert into heartbeats (service, alert_type, alert_target, next_in, last_at, expected_at, alerted, cancelled)
    select 's' || g, 'log', 'x', 3600, $1::timestamptz, $1::timestamptz + interval '1 hour', false, false from generate_series(1, $2::int) g`, [new Date(now - 1000).toISOString(), n]);
  const started = performance.now();
  const graced = await storage.transaction((q) => graceUnheardTime(q, { from: new Date(now - 500), to: new Date(now + 10_000), cause: 'outage' }));
  console.log(kind, n, 'graced', graced.length, 'in', Math.round(performance.now() - started), 'ms');
} finally { await storage.close(); }
