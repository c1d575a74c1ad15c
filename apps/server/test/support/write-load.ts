import { PASSWORD, spawnServer, type Exit, type ServerOptions, type ServerProcess } from '@watchtower/test-support';

/** A pulse the server answered 200: the service and the `last` of its answer. */
export interface AcknowledgedPulse {
  service: string;
  last: number;
}

/** An event the server answered 200. */
export interface AcknowledgedEvent {
  id: number;
  message: string;
}

export interface WriteTally {
  /** Requests started. */
  sent: { pulses: number; events: number };
  acknowledged: { pulses: AcknowledgedPulse[]; events: AcknowledgedEvent[] };
  /** Answers other than 200, by status, and requests that got no answer, as `network`. */
  failures: Map<string, number>;
}

export interface WriteLoadOptions {
  /** The server's base URL, or a function giving the current one (it may be restarted on another port). */
  url: string | (() => string);
  /** Loops sending pulses, each through its own share of the services. */
  pulseLoops: number;
  /** Loops sending events, each message unique. */
  eventLoops: number;
  /** How many services the pulse loops cycle through. */
  services: number;
  /** Prefix of the service names and event messages, so that runs do not mix. */
  tag: string;
  /** The service every event is recorded under. */
  eventService: string;
  /** Pause after a request that got no answer (the server is gone), so that a dead port is not spun on. */
  pauseAfterFailureMs?: number;
}

export interface WriteLoad {
  readonly tally: WriteTally;
  /** Lets no loop start another request; settles when every request under way has settled. */
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((wait) => setTimeout(wait, ms));

/** Pulse names of a load: `${tag}-service-${i}`. */
export const loadServiceName = (tag: string, index: number) => `${tag}-service-${index}`;

/**
 * Client loops that send pulses (POST /heartbeat) and events (POST /event) over HTTP as
 * fast as the server answers, and keep what it acknowledged. Nothing is retried: a write
 * either got its 200 or counts as failed.
 */
export function startWriteLoad(options: WriteLoadOptions): WriteLoad {
  const tally: WriteTally = {
    sent: { pulses: 0, events: 0 },
    acknowledged: { pulses: [], events: [] },
    failures: new Map(),
  };
  const baseUrl = typeof options.url === 'string' ? () => options.url as string : options.url;
  const pause = options.pauseAfterFailureMs ?? 20;
  let stopped = false;
  let eventSerial = 0;

  const countFailure = (what: string) => tally.failures.set(what, (tally.failures.get(what) ?? 0) + 1);

  async function post(path: string, body: unknown): Promise<unknown | undefined> {
    try {
      const response = await fetch(`${baseUrl()}${path}`, {
        method: 'POST',
        headers: { password: PASSWORD, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(15_000),
      });
      const answer: unknown = await response.json();
      if (response.status === 200) return answer;
      countFailure(String(response.status));
    } catch {
      // No complete answer: the write may or may not be stored, and is not counted as acknowledged.
      countFailure('network');
      await sleep(pause);
    }
    return undefined;
  }

  async function pulseLoop(loop: number): Promise<void> {
    for (let round = 0; !stopped; round += 1) {
      const service = loadServiceName(options.tag, (round * options.pulseLoops + loop) % options.services);
      tally.sent.pulses += 1;
      const answer = (await post('/heartbeat', { service, alertType: 'log', alertTarget: 'ops', nextIn: 3600 })) as
        | { heartBeat: { service: string; last: number } }
        | undefined;
      if (answer) tally.acknowledged.pulses.push({ service, last: answer.heartBeat.last });
    }
  }

  async function eventLoop(): Promise<void> {
    while (!stopped) {
      eventSerial += 1;
      const message = `${options.tag} event ${eventSerial}`;
      tally.sent.events += 1;
      const answer = (await post('/event', { service: options.eventService, level: 'info', message })) as
        | { event: { id: number; message: string } }
        | undefined;
      if (answer) tally.acknowledged.events.push({ id: answer.event.id, message: answer.event.message });
    }
  }

  const loops = [
    ...Array.from({ length: options.pulseLoops }, (_, loop) => pulseLoop(loop)),
    ...Array.from({ length: options.eventLoops }, () => eventLoop()),
  ];
  return {
    tally,
    stop: async () => {
      stopped = true;
      await Promise.all(loops);
    },
  };
}

/** Sums the failures of a tally as `status×count`, for a log line. */
export function describeFailures(tally: WriteTally): string {
  return [...tally.failures].map(([what, count]) => `${what}×${count}`).join(' ') || 'none';
}

/** What a restarted server holds: the latest `last` per service, and every event of the load's service. */
export interface StoredWrites {
  lastByService: Map<string, number>;
  events: AcknowledgedEvent[];
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { headers: { password: PASSWORD }, signal: AbortSignal.timeout(30_000) });
  const body = (await response.json()) as T;
  if (response.status !== 200) throw new Error(`GET ${url} answered ${response.status}: ${JSON.stringify(body)}`);
  return body;
}

export async function readStoredWrites(url: string, eventService: string): Promise<StoredWrites> {
  const { heartBeats } = await getJson<{ heartBeats: Array<{ service: string; last: number }> }>(`${url}/heartbeats`);
  const events: AcknowledgedEvent[] = [];
  let before: string | null = null;
  do {
    const query = new URLSearchParams({ service: eventService, limit: '1000', ...(before ? { before } : {}) });
    const page: { events: AcknowledgedEvent[]; next: string | null } = await getJson(`${url}/events?${query}`);
    events.push(...page.events.map(({ id, message }) => ({ id, message })));
    before = page.next;
  } while (before);
  return { lastByService: new Map(heartBeats.map((hb) => [hb.service, hb.last])), events };
}

/** How the stored writes compare with what was acknowledged before the crash. */
export interface DurabilityCheck {
  /** Acknowledged events found with the same id and message. */
  eventsFound: number;
  /** Messages of acknowledged events that are missing, or stored under another id. */
  eventsLost: string[];
  /** Messages stored more than once. */
  eventsDuplicated: string[];
  /** Services whose every acknowledged pulse is reflected. */
  pulsedServices: number;
  pulsedServicesCurrent: number;
  /** Services whose stored `last` is older than an acknowledged one (or missing). */
  pulsesLost: Array<{ service: string; acknowledged: number; stored: number | undefined }>;
  /** Events stored that were not acknowledged (in flight at the crash): allowed. */
  eventsUnacknowledged: number;
}

export function checkDurability(tally: WriteTally, stored: StoredWrites): DurabilityCheck {
  const storedByMessage = new Map<string, number[]>();
  for (const event of stored.events) storedByMessage.set(event.message, [...(storedByMessage.get(event.message) ?? []), event.id]);
  const acknowledgedMessages = new Set(tally.acknowledged.events.map((event) => event.message));
  const eventsLost = tally.acknowledged.events
    .filter((event) => !storedByMessage.get(event.message)?.includes(event.id))
    .map((event) => event.message);
  const eventsDuplicated = [...storedByMessage].filter(([, ids]) => ids.length > 1).map(([message]) => message);

  const acknowledgedLast = new Map<string, number>();
  for (const pulse of tally.acknowledged.pulses) {
    acknowledgedLast.set(pulse.service, Math.max(pulse.last, acknowledgedLast.get(pulse.service) ?? 0));
  }
  const pulsesLost = [...acknowledgedLast]
    .map(([service, acknowledged]) => ({ service, acknowledged, stored: stored.lastByService.get(service) }))
    .filter(({ acknowledged, stored: last }) => last === undefined || last < acknowledged);

  return {
    eventsFound: tally.acknowledged.events.length - eventsLost.length,
    eventsLost,
    eventsDuplicated,
    pulsedServices: acknowledgedLast.size,
    pulsedServicesCurrent: acknowledgedLast.size - pulsesLost.length,
    pulsesLost,
    eventsUnacknowledged: [...storedByMessage.keys()].filter((message) => !acknowledgedMessages.has(message)).length,
  };
}

async function answersHealthy(server: ServerProcess): Promise<boolean> {
  try {
    const response = await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(2_000) });
    await response.body?.cancel();
    return response.status === 200;
  } catch {
    // Not listening yet.
    return false;
  }
}

/**
 * Starts the server on the data a killed one left, and waits until GET /healthz answers 200.
 * A PGlite folder may still be locked for a while by the dead process (exit code 75): it
 * starts again until the lock is taken over, up to `ms` in all.
 */
export async function startServerAfterKill(options: ServerOptions, ms = 60_000): Promise<{ server: ServerProcess; starts: number }> {
  const deadline = Date.now() + ms;
  for (let starts = 1; ; starts += 1) {
    const server = await spawnServer(options);
    let ended: Exit | undefined;
    void server.exited.then((exit) => (ended = exit));
    while (!ended && Date.now() < deadline) {
      if (await answersHealthy(server)) return { server, starts };
      await sleep(100);
    }
    const output = `\n--- stdout ---\n${server.stdout()}\n--- stderr ---\n${server.stderr()}`;
    if (!ended) {
      await server.stop('SIGKILL');
      throw new Error(`the restarted server did not answer /healthz with 200 within ${ms} ms${output}`);
    }
    if (ended.code !== 75 || Date.now() >= deadline) {
      throw new Error(`the restarted server exited (code ${ended.code}, signal ${ended.signal})${output}`);
    }
    await sleep(500);
  }
}

/** One tally of several loads (each with its own tag), as if a single load had run. */
export function mergeTallies(tallies: readonly WriteTally[]): WriteTally {
  const merged: WriteTally = { sent: { pulses: 0, events: 0 }, acknowledged: { pulses: [], events: [] }, failures: new Map() };
  for (const tally of tallies) {
    merged.sent.pulses += tally.sent.pulses;
    merged.sent.events += tally.sent.events;
    merged.acknowledged.pulses.push(...tally.acknowledged.pulses);
    merged.acknowledged.events.push(...tally.acknowledged.events);
    for (const [what, count] of tally.failures) merged.failures.set(what, (merged.failures.get(what) ?? 0) + count);
  }
  return merged;
}
