// Scenarios. Each yields autocannon `requests`; the headers of every request carry the password.
// A scenario names the connection counts it is measured at (`--connections` overrides them
// all), and the data it needs seeded first.

export const SERVICES = 10_000;
export const SEED_EVENTS = 10_000;
/** The services of the memory scenario: seeded by pulses, in steps of SERVICES_STEP. */
export const MANY_SERVICES = 100_000;
export const SERVICES_STEP = 10_000;
// One seeded event in SEARCH_EVERY carries SEARCH_WORD: the contains-filter matches 200 of
// 10,000 rows, so a page of 100 needs the matches found and sorted, not just the newest rows.
export const SEARCH_WORD = 'timeout';
export const SEARCH_EVERY = 50;
/**
 * Events per `POST /events/batch`: the protocol's most. Each is kept short (about 50 bytes)
 * so that the whole body stays under the server's 64 KiB body limit.
 */
export const BATCH_EVENTS = 1_000;

let pulseCounter = 0;
let eventCounter = 0;
let batchCounter = 0;
// Never-seen names, even for a second server of the same run: the run's start in them.
const newServicePrefix = `bench-new-${Date.now().toString(36)}`;
let newServiceCounter = 0;

export function pulseBody(index) {
  return JSON.stringify({ service: `bench-service-${index}`, alertType: 'log', alertTarget: 'bench', nextIn: 3600 });
}

function newServiceBody() {
  return JSON.stringify({ service: `${newServicePrefix}-${newServiceCounter++}`, alertType: 'log', alertTarget: 'bench', nextIn: 3600 });
}

function eventBody(index, seeded) {
  const message =
    seeded && index % SEARCH_EVERY === 0
      ? `backup ${index} failed: ${SEARCH_WORD} after 30 s talking to the storage host`
      : `backup ${index} finished in ${index % 997} ms`;
  return JSON.stringify({ service: `bench-service-${index % 100}`, level: index % 5 === 0 ? 'warning' : 'info', message });
}

function batchBody() {
  const events = [];
  for (let i = 0; i < BATCH_EVENTS; i++) {
    const n = batchCounter++;
    events.push({ service: `batch-${n % 100}`, level: n % 5 === 0 ? 3 : 2, message: `line ${n % 100_000}` });
  }
  return JSON.stringify({ events });
}

/** A POST whose body is made per request by `body()`. */
function posting(path, body) {
  return [
    {
      method: 'POST',
      path,
      setupRequest: (request) => {
        request.body = body();
        return request;
      },
    },
  ];
}

/** The request both baselines are loaded with: a pulse, of services taken in turn as in `pulse`. */
export function baselineRequests() {
  let next = 0;
  return posting('/heartbeat', () => pulseBody(next++ % SERVICES));
}

/**
 * In the order they run: the reads see the events table at its seeded size before the
 * event scenarios grow it; new services come after the updates, which should see 10,000
 * rows; the 100,000 services last, as they grow the heartbeats table for good.
 */
export const SCENARIOS = [
  {
    id: 'healthz',
    label: 'GET /healthz',
    connections: [50],
    requests: () => [{ method: 'GET', path: '/healthz' }],
    sample: () => ({ method: 'GET', path: '/healthz' }),
  },
  {
    id: 'pulse',
    write: true,
    label: `POST /heartbeat (${SERVICES.toLocaleString('en-US')} services)`,
    connections: [50, 200],
    needs: 'services',
    // A shared counter: consecutive requests (of all connections) pulse different
    // services, so a group-commit batch holds distinct rows as real traffic would.
    requests: () => posting('/heartbeat', () => pulseBody(pulseCounter++ % SERVICES)),
    sample: () => ({ method: 'POST', path: '/heartbeat', body: pulseBody(0) }),
  },
  {
    id: 'pulse-new',
    write: true,
    label: 'POST /heartbeat (each a new service)',
    connections: [50, 200],
    requests: () => posting('/heartbeat', newServiceBody),
    sample: () => ({ method: 'POST', path: '/heartbeat', body: newServiceBody() }),
  },
  {
    id: 'events-list',
    label: 'GET /events?limit=100',
    connections: [50],
    needs: 'events',
    requests: () => [{ method: 'GET', path: '/events?limit=100' }],
    sample: () => ({ method: 'GET', path: '/events?limit=100' }),
  },
  {
    id: 'events-search',
    label: `GET /events?message=${SEARCH_WORD}`,
    connections: [50],
    needs: 'events',
    requests: () => [{ method: 'GET', path: `/events?message=${SEARCH_WORD}` }],
    sample: () => ({ method: 'GET', path: `/events?message=${SEARCH_WORD}` }),
  },
  {
    id: 'event',
    write: true,
    label: 'POST /event (small messages)',
    connections: [50],
    requests: () => posting('/event', () => eventBody(SEED_EVENTS + eventCounter++, false)),
    sample: () => ({ method: 'POST', path: '/event', body: eventBody(1, false) }),
  },
  {
    id: 'events-batch',
    write: true,
    label: `POST /events/batch (${BATCH_EVENTS.toLocaleString('en-US')} events each)`,
    // 10 connections already keep 10,000 events in flight: more would measure the queue.
    connections: [10],
    eventsPerRequest: BATCH_EVENTS,
    // A route of the protocol the server may not have yet: a 404 makes a "route missing" row.
    optionalRoute: true,
    requests: () => posting('/events/batch', batchBody),
    sample: () => ({ method: 'POST', path: '/events/batch', body: batchBody() }),
    /** The answer must hold one id per event sent. */
    checkAnswer: (body) =>
      Array.isArray(body.ids) && body.ids.length === BATCH_EVENTS
        ? undefined
        : `answered ${Array.isArray(body.ids) ? `${body.ids.length} ids` : 'no ids'} for ${BATCH_EVENTS} events`,
  },
  {
    id: 'services-100k',
    write: true,
    // Long (100,000 pulses to seed first, about 2 minutes on PGlite): asked for by name.
    optIn: true,
    label: `POST /heartbeat (${MANY_SERVICES.toLocaleString('en-US')} services)`,
    connections: [50],
    needs: 'many-services',
    requests: () => posting('/heartbeat', () => pulseBody(pulseCounter++ % MANY_SERVICES)),
    sample: () => ({ method: 'POST', path: '/heartbeat', body: pulseBody(MANY_SERVICES - 1) }),
  },
];

/** The scenarios of a run without --scenario. */
export const DEFAULT_SCENARIOS = SCENARIOS.filter((s) => !s.optIn);

/** Pulses of the services `from` to `to` - 1 (as pulseBody names them), as one autocannon load. */
export function servicesLoad(from, to) {
  let next = from;
  return {
    what: `services ${from.toLocaleString('en-US')} to ${(to - 1).toLocaleString('en-US')}`,
    amount: to - from,
    requests: posting('/heartbeat', () => pulseBody(next++)),
  };
}

/** The loads that fill the tables `scenarios` read or update first: every pulsed service exists, ~10,000 events. */
export function seedLoads(scenarios) {
  const seeds = [];
  if (scenarios.some((s) => s.needs === 'services')) {
    seeds.push({ ...servicesLoad(0, SERVICES), what: `${SERVICES.toLocaleString('en-US')} services` });
  }
  if (scenarios.some((s) => s.needs === 'events')) {
    let next = 0;
    seeds.push({
      what: `${SEED_EVENTS.toLocaleString('en-US')} events`,
      amount: SEED_EVENTS,
      requests: posting('/event', () => eventBody(next++, true)),
    });
  }
  return seeds;
}
