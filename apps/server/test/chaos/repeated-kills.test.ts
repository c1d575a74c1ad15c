import { describe, expect, it } from 'vitest';
import { type ServerProcess, startServer } from '@watchtower/test-support';
import { DATABASE_KINDS, useServerData } from '../support/databases.js';
import {
  checkDurability,
  describeFailures,
  mergeTallies,
  readStoredWrites,
  startServerAfterKill,
  startWriteLoad,
  type WriteTally,
} from '../support/write-load.js';

// Several SIGKILLs in a row, each under full write load and after a random stretch of it:
// after every restart, everything acknowledged since the first start is still there.

const KILLS = 4;
const EVENT_SERVICE = 'kill-loop';

const sleep = (ms: number) => new Promise((wait) => setTimeout(wait, ms));

describe.each(DATABASE_KINDS)('repeated SIGKILLs under load on %s', (kind) => {
  const data = useServerData(kind);

  it(`keeps every acknowledged write through ${KILLS} kills in a row`, async () => {
    const tallies: WriteTally[] = [];
    const restartMs: number[] = [];
    let server: ServerProcess = await startServer({ env: data.env });
    for (let round = 1; round <= KILLS; round += 1) {
      const load = startWriteLoad({
        url: server.url,
        pulseLoops: 6,
        eventLoops: 6,
        services: 50,
        tag: `kill-${kind}-round-${round}`,
        eventService: EVENT_SERVICE,
      });
      await sleep(2_000 + Math.random() * 3_000);
      server.child.kill('SIGKILL');
      const stopped = load.stop();
      expect(await server.exited).toEqual({ code: null, signal: 'SIGKILL' });
      await stopped;
      tallies.push(load.tally);

      const restartedAt = Date.now();
      server = (await startServerAfterKill({ env: data.env }, 60_000)).server;
      restartMs.push(Date.now() - restartedAt);
      const tally = mergeTallies(tallies);
      const check = checkDurability(tally, await readStoredWrites(server.url, EVENT_SERVICE));
      console.log(
        `kill ${round}/${KILLS} on ${kind}: writes sent ${tally.sent.pulses + tally.sent.events}, ` +
          `acknowledged ${tally.acknowledged.pulses.length + tally.acknowledged.events.length} ` +
          `(not acknowledged: ${describeFailures(tally)}); found after the crash: events ` +
          `${check.eventsFound}/${tally.acknowledged.events.length} (${check.eventsDuplicated.length} duplicated), ` +
          `pulses reflected for ${check.pulsedServicesCurrent}/${check.pulsedServices} services; ` +
          `restart ${(restartMs[restartMs.length - 1]! / 1000).toFixed(1)} s`,
      );
      expect(load.tally.acknowledged.events.length).toBeGreaterThan(0);
      expect(check.eventsLost).toEqual([]);
      expect(check.eventsDuplicated).toEqual([]);
      expect(check.pulsesLost).toEqual([]);
    }
  });
});
