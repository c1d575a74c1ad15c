import cluster, { type Worker } from 'node:cluster';
import type { Logger } from './lib/logger.js';

/** A worker that ends within this time of its start waits longer before it is started again. */
const STEADY_AFTER_MS = 60_000;
const FIRST_RESTART_DELAY_MS = 1_000;
const MAX_RESTART_DELAY_MS = 30_000;
/** Past this, workers that have not stopped after the signal are killed. */
const STOP_WORKERS_WITHIN_MS = 15_000;

/** Exit codes a worker ends with that no restart mends: a bad setting, a data folder in use. */
const FATAL_EXIT_CODES = new Set([75, 78]);

interface Supervised {
  worker: Worker;
  startedAt: number;
}

/**
 * The primary process of `WATCHTOWER_WORKERS=N`: starts N workers (each a whole server on
 * the shared PostgreSQL, as replicas are), passes SIGTERM and SIGINT on to them, and
 * starts a worker that died again, waiting longer after each quick death. Resolves to the
 * exit code of the whole.
 */
export function superviseWorkers({ count, log }: { count: number; log: Logger }): Promise<number> {
  let stopping = false;
  let everListening = false;
  let restartDelayMs = FIRST_RESTART_DELAY_MS;
  const running = new Map<number, Supervised>();
  let finish: (code: number) => void = () => {};
  const finished = new Promise<number>((done) => (finish = done));
  let exitCode = 0;

  function fork(): void {
    const worker = cluster.fork();
    running.set(worker.id, { worker, startedAt: Date.now() });
    worker.once('listening', () => {
      everListening = true;
      log.info({ worker: worker.id, pid: worker.process.pid }, 'worker listening');
    });
    worker.once('exit', (code, signal) => onExit(worker, code, signal));
  }

  function stopAll(signal: NodeJS.Signals, code: number): void {
    if (stopping) return;
    stopping = true;
    exitCode = code;
    log.info({ signal, workers: running.size }, 'stopping the workers');
    for (const { worker } of running.values()) worker.process.kill(signal);
    const force = setTimeout(() => {
      log.error({ workers: running.size }, 'workers did not stop in time; killing them');
      exitCode = 1;
      for (const { worker } of running.values()) worker.process.kill('SIGKILL');
    }, STOP_WORKERS_WITHIN_MS);
    force.unref();
    if (running.size === 0) finish(exitCode);
  }

  function onExit(worker: Worker, code: number | null, signal: string | null): void {
    const supervised = running.get(worker.id);
    running.delete(worker.id);
    if (stopping) {
      if (code !== 0) exitCode = exitCode || 1;
      if (running.size === 0) finish(exitCode);
      return;
    }
    // A worker that cannot start at all (a setting, the database at start) would fail each
    // time: the whole stops, as a single process does.
    if ((code !== null && FATAL_EXIT_CODES.has(code)) || !everListening) {
      log.error({ worker: worker.id, code, signal }, 'a worker could not start; stopping');
      stopAll('SIGTERM', code || 1);
      return;
    }
    const livedMs = Date.now() - (supervised?.startedAt ?? Date.now());
    if (livedMs >= STEADY_AFTER_MS) restartDelayMs = FIRST_RESTART_DELAY_MS;
    log.error({ worker: worker.id, pid: worker.process.pid, code, signal, restart_in_ms: restartDelayMs }, 'worker died; starting another');
    const delay = restartDelayMs;
    restartDelayMs = Math.min(restartDelayMs * 2, MAX_RESTART_DELAY_MS);
    setTimeout(() => {
      if (!stopping) fork();
    }, delay);
  }

  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => stopAll(signal, 0));
  log.info({ workers: count }, 'starting workers');
  for (let i = 0; i < count; i += 1) fork();
  return finished;
}
