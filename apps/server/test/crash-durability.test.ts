import { describe, expect, it } from 'vitest';
import { startServer } from '@watchtower/test-support';
import { DATABASE_KINDS, useServerData } from './support/databases.js';
import { checkDurability, describeFailures, readStoredWrites, startServerAfterKill, startWriteLoad } from './support/write-load.js';

// The built server is killed with SIGKILL while client loops write to it at full speed over
// HTTP. Whatever it answered 200 must be there after a restart on the same data; writes cut
// by the kill may or may not be.

const LOAD_MS = 6_000;
const EVENT_SERVICE = 'crash-load';

const sleep = (ms: number) => new Promise((wait) => setTimeout(wait, ms));

describe.each(DATABASE_KINDS)('a SIGKILL under load on %s', (kind) => {
  const data = useServerData(kind);

  it('loses no acknowledged pulse or event and duplicates no event', { timeout: 120_000 }, async () => {
    const first = await startServer({ env: data.env });
    const load = startWriteLoad({
      url: first.url,
      pulseLoops: 6,
      eventLoops: 6,
      services: 100,
      tag: `crash-${kind}`,
      eventService: EVENT_SERVICE,
    });
    await sleep(LOAD_MS);
    first.child.kill('SIGKILL');
    // No request starts after the kill; those under way are cut by it.
    const stopped = load.stop();
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
    await stopped;
    const { tally } = load;

    const restartedAt = Date.now();
    const { server: second, starts } = await startServerAfterKill({ env: data.env }, 60_000);
    const restartMs = Date.now() - restartedAt;
    const check = checkDurability(tally, await readStoredWrites(second.url, EVENT_SERVICE));

    const sent = tally.sent.pulses + tally.sent.events;
    const acknowledged = tally.acknowledged.pulses.length + tally.acknowledged.events.length;
    console.log(
      `crash durability on ${kind}: writes sent ${sent} (pulses ${tally.sent.pulses}, events ${tally.sent.events}); ` +
        `acknowledged ${acknowledged} (pulses ${tally.acknowledged.pulses.length}, events ${tally.acknowledged.events.length}); ` +
        `not acknowledged: ${describeFailures(tally)}; ` +
        `found after the crash: events ${check.eventsFound}/${tally.acknowledged.events.length} ` +
        `(${check.eventsLost.length} lost, ${check.eventsDuplicated.length} duplicated, ` +
        `${check.eventsUnacknowledged} stored without an answer), ` +
        `pulses reflected for ${check.pulsedServicesCurrent}/${check.pulsedServices} services; ` +
        `restart ${(restartMs / 1000).toFixed(1)} s (${starts} start${starts === 1 ? '' : 's'})`,
    );

    expect(tally.acknowledged.events.length).toBeGreaterThan(0);
    expect(tally.acknowledged.pulses.length).toBeGreaterThan(0);
    expect(check.eventsLost).toEqual([]);
    expect(check.eventsDuplicated).toEqual([]);
    expect(check.pulsesLost).toEqual([]);
  });
});
