import type { LoopHealth } from './loop.js';

/** A part of the server that cannot do its job, as /healthz names it. */
export interface HealthProblem {
  part: string;
  since: Date;
  error: string;
}

/** Poll periods a loop may fail (or make no step) before the server reports itself unhealthy. */
export const FAILED_POLLS_BEFORE_UNHEALTHY = 3;
// A step itself takes time; a loop is called stuck only well past its periods.
const STUCK_SLACK_MS = 5_000;

/**
 * The loops that have failed for FAILED_POLLS_BEFORE_UNHEALTHY of their poll periods, or
 * have not finished a step for that long (a step that hangs never fails).
 */
export function loopProblems(loops: LoopHealth[], now: Date): HealthProblem[] {
  const problems: HealthProblem[] = [];
  for (const loop of loops) {
    const window = FAILED_POLLS_BEFORE_UNHEALTHY * loop.pollMs;
    if (loop.failingSince && now.getTime() - loop.failingSince.getTime() >= window) {
      problems.push({ part: loop.name, since: loop.failingSince, error: loop.lastError ?? 'its steps fail' });
    } else if (now.getTime() - loop.lastSuccessAt.getTime() >= window + STUCK_SLACK_MS) {
      problems.push({ part: loop.name, since: loop.lastSuccessAt, error: 'no step has finished since then' });
    }
  }
  return problems;
}
