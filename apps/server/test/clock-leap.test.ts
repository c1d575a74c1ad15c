import { describe, expect, it } from 'vitest';
import { createSweepStep } from '../src/jobs/sweeper.js';
import { createLocalChangeFeed } from '../src/feed/change-feed.js';
import { DatabaseClock } from '../src/lib/clock.js';
import { silentLogger } from '../src/lib/logger.js';
import { DATABASE_KINDS } from './support/databases.js';
import { useTestApp } from './support/test-app.js';

describe.each(DATABASE_KINDS)('a leap of the clock on %s', (kind) => {
  const t = useTestApp(kind);

  /** A database clock that reads `databaseMs`, and a monotonic clock at `monotonicMs`. */
  async function clocks() {
    const time = { databaseMs: t.clock.now().getTime(), monotonicMs: 0 };
    const clock = await DatabaseClock.start({ read: async () => time.databaseMs, monotonic: () => time.monotonicMs });
    const advance = (ms: number) => {
      time.databaseMs += ms;
      time.monotonicMs += ms;
    };
    return { time, clock, advance };
  }

  function sweeper(clock: DatabaseClock) {
    const claimed: string[] = [];
    const step = createSweepStep({
      storage: t.storage,
      clock,
      log: silentLogger,
      feed: {
        ...createLocalChangeFeed(),
        publish: (changes) =>
          claimed.push(...changes.filter((c) => c.type === 'heartbeat.dead').map((c) => (c as { service: string }).service)),
      },
      followClock: clock,
      signals: { alertQueued: () => {} },
    });
    return { step, claimed };
  }

  it('kills no service when the clock leaps an hour forward, and says what happened', async () => {
    const { time, clock, advance } = await clocks();
    const { step, claimed } = sweeper(clock);
    await t.call('POST', '/heartbeat', { service: 'every-minute', alertType: 'log', alertTarget: 'ops', nextIn: 60 });
    // The heartbeat was stamped by the test app's clock, which the database clock started from.
    advance(30_000);
    await step();
    time.databaseMs += 3_600_000; // the leap: the database's clock moves, the monotonic one does not
    await step();
    expect(claimed).toEqual([]);
    expect(clock.now().getTime()).toBe(time.databaseMs);
    const [event] = (await (await t.call('GET', '/events?service=every-minute')).json()).events;
    expect(event.message).toMatch(/Its pulses may have gone unheard while the server's clock jumped forward/);
    // It has one fresh nextIn from the leap's end, then dies as usual.
    advance(59_000);
    await step();
    expect(claimed).toEqual([]);
    advance(2_000);
    await step();
    expect(claimed).toEqual(['every-minute']);
  });

  it('follows a small drift of the database clock without grace', async () => {
    const { time, clock, advance } = await clocks();
    const { step, claimed } = sweeper(clock);
    await t.call('POST', '/heartbeat', { service: 'svc', alertType: 'log', alertTarget: 'ops', nextIn: 10 });
    advance(5_000);
    time.databaseMs += 1_000;
    await step();
    expect(clock.now().getTime()).toBe(time.databaseMs);
    advance(4_500); // 10.5 s by the database clock
    await step();
    expect(claimed).toEqual(['svc']);
    expect(await t.count('events')).toBe(1);
  });
});
