import { describeFailure } from '../db/errors.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';

/** What one step of a loop did: it goes again at once when it did work. */
export interface StepResult {
  didWork: boolean;
  /** When there will be work again, if known. */
  wakeAt?: Date | null;
}

/** How a loop is doing, for /healthz. */
export interface LoopHealth {
  name: string;
  pollMs: number;
  /** When a step last finished without an error (the loop's start until the first one). */
  lastSuccessAt: Date;
  /** When the steps began to fail, while they still do. */
  failingSince: Date | null;
  lastError: string | null;
}

export interface Loop {
  /** How the loop is doing. */
  health(): LoopHealth;
  /** Runs a step now, or at `at` if that is sooner than the loop's own plan. */
  wake(at?: Date): void;
  /** Finishes the step under way and runs no more. */
  stop(): Promise<void>;
}

const MAX_STEPS_IN_A_ROW = 1000;
const RETRY_AFTER_ERROR_MS = 1000;
// Timers may fire a hair early relative to the database's notion of "past".
const TIMER_SLACK_MS = 2;

/**
 * Runs `step` until it finds no work, then sleeps until the time it names, a wake-up, or
 * at most `pollMs` (the safety poll for work that other processes create).
 */
export function startLoop(
  name: string,
  step: () => Promise<StepResult>,
  { pollMs, clock, log }: { pollMs: number; clock: Clock; log: Logger },
): Loop {
  let timer: NodeJS.Timeout | undefined;
  let plannedAt = Number.POSITIVE_INFINITY;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;
  const state: LoopHealth = { name, pollMs, lastSuccessAt: clock.now(), failingSince: null, lastError: null };

  function plan(delayMs: number): void {
    if (stopped) return;
    const at = Date.now() + Math.max(0, delayMs);
    if (at >= plannedAt) return;
    clearTimeout(timer);
    plannedAt = at;
    timer = setTimeout(
      () => {
        plannedAt = Number.POSITIVE_INFINITY;
        void run();
      },
      Math.max(0, delayMs),
    );
  }

  async function runSteps(): Promise<void> {
    let delay = pollMs;
    try {
      for (let steps = 0; steps < MAX_STEPS_IN_A_ROW && !stopped; steps += 1) {
        again = false;
        const result = await step();
        // Each step that ends well counts: a long run of steps is busy, not stuck.
        state.lastSuccessAt = clock.now();
        state.failingSince = null;
        state.lastError = null;
        if (result.didWork) continue;
        if (result.wakeAt) {
          delay = Math.min(delay, result.wakeAt.getTime() - clock.now().getTime() + TIMER_SLACK_MS);
        }
        if (!again) break;
      }
    } catch (error) {
      state.failingSince ??= clock.now();
      state.lastError = describeFailure(error);
      log.error({ err: error, loop: name, failing_since: state.failingSince }, `${name} step failed`);
      delay = Math.min(delay, RETRY_AFTER_ERROR_MS);
    }
    plan(delay);
  }

  function run(): Promise<void> {
    if (stopped) return Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    running = runSteps().finally(() => {
      running = undefined;
    });
    return running;
  }

  void run();
  return {
    health: () => ({ ...state }),
    wake(at) {
      if (!at) {
        void run();
        return;
      }
      plan(at.getTime() - clock.now().getTime() + TIMER_SLACK_MS);
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
