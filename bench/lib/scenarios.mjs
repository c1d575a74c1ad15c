// Scenarios. Each yields autocannon `requests`; the headers of every request carry the password.

export const SERVICES = 10_000;
export const SEED_EVENTS = 10_000;
// One seeded event in SEARCH_EVERY carries SEARCH_WORD: the contains-filter matches 200 of
// 10,000 rows, so a page of 100 needs the matches found and sorted, not just the newest rows.
export const SEARCH_WORD = 'timeout';
export const SEARCH_EVERY = 50;

let pulseCounter = 0;
let eventCounter = 0;

function pulseBody(index) {
  return JSON.stringify({ service: `bench-service-${index}`, alertType: 'log', alertTarget: 'bench', nextIn: 3600 });
}

function eventBody(index, seeded) {
  const message =
    seeded && index % SEARCH_EVERY === 0
      ? `backup ${index} failed: ${SEARCH_WORD} after 30 s talking to the storage host`
      : `backup ${index} finished in ${index % 997} ms`;
  return JSON.stringify({ service: `bench-service-${index % 100}`, level: index % 5 === 0 ? 'warning' : 'info', message });
}

export const SCENARIOS = [
  {
    id: 'healthz',
    label: 'GET /healthz',
    requests: () => [{ method: 'GET', path: '/healthz' }],
    sample: () => ({ method: 'GET', path: '/healthz' }),
  },
  {
    id: 'pulse',
    write: true,
    label: `POST /heartbeat (${SERVICES.toLocaleString('en-US')} services)`,
    // A shared counter: consecutive requests (of all connections) pulse different
    // services, so a group-commit batch holds distinct rows as real traffic would.
    requests: () => [
      {
        method: 'POST',
        path: '/heartbeat',
        setupRequest: (request) => {
          request.body = pulseBody(pulseCounter++ % SERVICES);
          return request;
        },
      },
    ],
    sample: () => ({ method: 'POST', path: '/heartbeat', body: pulseBody(0) }),
  },
  {
    id: 'events-list',
    label: 'GET /events?limit=100',
    requests: () => [{ method: 'GET', path: '/events?limit=100' }],
    sample: () => ({ method: 'GET', path: '/events?limit=100' }),
  },
  {
    id: 'events-search',
    label: `GET /events?message=${SEARCH_WORD}`,
    requests: () => [{ method: 'GET', path: `/events?message=${SEARCH_WORD}` }],
    sample: () => ({ method: 'GET', path: `/events?message=${SEARCH_WORD}` }),
  },
  {
    // Last: it grows the events table, which the two reads above should see at its seeded size.
    id: 'event',
    write: true,
    label: 'POST /event (small messages)',
    requests: () => [
      {
        method: 'POST',
        path: '/event',
        setupRequest: (request) => {
          request.body = eventBody(SEED_EVENTS + eventCounter++, false);
          return request;
        },
      },
    ],
    sample: () => ({ method: 'POST', path: '/event', body: eventBody(1, false) }),
  },
];

/** The loads that fill the tables `scenarios` read or update: every pulsed service exists, ~10,000 events. */
export function seedLoads(scenarios) {
  const seeds = [];
  if (scenarios.some((s) => s.id === 'pulse')) {
    let next = 0;
    seeds.push({
      what: `${SERVICES} services`,
      amount: SERVICES,
      requests: [
        {
          method: 'POST',
          path: '/heartbeat',
          setupRequest: (r) => {
            r.body = pulseBody(next++);
            return r;
          },
        },
      ],
    });
  }
  if (scenarios.some((s) => s.id === 'events-list' || s.id === 'events-search')) {
    let next = 0;
    seeds.push({
      what: `${SEED_EVENTS} events`,
      amount: SEED_EVENTS,
      requests: [
        {
          method: 'POST',
          path: '/event',
          setupRequest: (r) => {
            r.body = eventBody(next++, true);
            return r;
          },
        },
      ],
    });
  }
  return seeds;
}
