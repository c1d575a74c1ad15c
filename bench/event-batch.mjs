#!/usr/bin/env node
// Events per second through POST /events/batch: the built server on a fresh database,
// loaded by autocannon with batches of each size, after a run of the one-by-one
// POST /event for comparison. One process, the same machine: compare figures of one run.
//
//   node bench/event-batch.mjs [--db postgres|pglite] [--sizes 100,1000] [--seconds 5] [--connections 8]
import { parseArgs } from 'node:util';
import { addCleanUpStep, cleanUp, cleanUpOnSignals } from './lib/children.mjs';
import { check, load, summarize } from './lib/load.mjs';
import { DEFAULT_SERVER_ENTRY } from './lib/paths.mjs';
import { dropDatabase } from './lib/postgres.mjs';
import { startServer } from './lib/servers.mjs';

const { values: args } = parseArgs({
  options: {
    db: { type: 'string', default: 'postgres' },
    sizes: { type: 'string', default: '100,1000' },
    seconds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '8' },
    server: { type: 'string', default: DEFAULT_SERVER_ENTRY },
    'pg-url': { type: 'string', default: process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' },
  },
});
const seconds = Number(args.seconds);
const connections = Number(args.connections);

/** A batch body of `size` small events, as a service would send its log lines. */
function batchBody(size, run) {
  const events = Array.from({ length: size }, (_, i) => ({
    service: `svc-${i % 20}`,
    level: i % 5 === 0 ? 'warning' : 'info',
    message: `run ${run} line ${i}: request served in ${i % 97} ms`,
  }));
  return JSON.stringify({ events });
}

cleanUpOnSignals();
const server = await startServer(args.db, { serverEntry: args.server, pgUrl: args['pg-url'] });
if (args.db === 'postgres') addCleanUpStep(() => dropDatabase(), { last: true });
try {
  console.log(`POST /events/batch on ${args.db}: ${seconds} s per run, ${connections} connections`);
  const single = summarize(
    await load(server.url, {
      connections: 50,
      seconds,
      requests: [{ method: 'POST', path: '/event', body: JSON.stringify({ service: 'svc-1', level: 'info', message: 'one by one' }) }],
    }),
  );
  console.log(`  POST /event, c=50: ${Math.round(single.rps)} events/s, p99 ${single.p99} ms`);
  for (const size of args.sizes.split(',').map(Number)) {
    // A few bodies, so that not every request is the same text.
    const bodies = Array.from({ length: 4 }, (_, run) => batchBody(size, run));
    await check(server.url, { method: 'POST', path: '/events/batch', body: bodies[0] });
    let next = 0;
    const result = summarize(
      await load(server.url, {
        connections,
        seconds,
        requests: [
          {
            method: 'POST',
            path: '/events/batch',
            setupRequest: (request) => ({ ...request, body: bodies[next++ % bodies.length] }),
          },
        ],
      }),
    );
    const failed = result.non2xx + result.errors;
    console.log(
      `  ${size} per request: ${Math.round(result.rps * size).toLocaleString('en-US')} events/s (${Math.round(result.rps)} req/s), p50 ${result.p50} ms, p99 ${result.p99} ms${failed ? `, ${failed} failed` : ''}`,
    );
  }
} finally {
  await cleanUp();
}
