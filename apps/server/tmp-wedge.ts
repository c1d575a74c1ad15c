import { createTestStorage } from './test/support/databases.js';
import { createOutageTracker, watchOutages } from './src/db/outage.js';
import { createSweepStep } from './src/jobs/sweeper.js';
import { createLocalChangeFeed } from './src/lib/change-feed.js';
import { systemClock } from './src/lib/clock.js';
import { silentLogger } from './src/lib/logger.js';
const raw = await createTestStorage('pglite');
const outage = createOutageTracker();
const storage = watchOutages(raw, outage, () => new Date());
try {
  const now = Date.now();
  await raw.query(`insert into heartbeats (service, alert_type, alert_target, next_in, last_at, expected_at, alerted, cancelled)
    select 's' || g, 'log', 'x', 3600, $1::timestamptz, $1::timestamptz + interval '1 hour', false, false from generate_series(1, 12000) g`, [new Date(now - 1000).toISOString()]);
  // one service already overdue: it should be claimed once the outage is graced
  await raw.query(`insert into heartbeats (service, alert_type, alert_target, next_in, last_at, expected_at, alerted, cancelled) values ('dead','log','x',10,$1,$2,false,false)`, [new Date(now-60_000).toISOString(), new Date(now-50_000).toISOString()]);
  outage.noteUnavailable(new Date(now - 500));
  const step = createSweepStep({ storage, clock: systemClock, log: silentLogger, feed: createLocalChangeFeed(), onClaimed: () => {}, outage });
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    try { console.log('step', i, await step()); } catch (e) { console.log('step', i, 'failed after', Math.round(performance.now()-t), 'ms:', (e as Error).message, 'since still', outage.since()?.toISOString()); }
  }
  console.log(await raw.query(`select service, alerted from heartbeats where service = 'dead'`, []));
} finally { await raw.close(); }
