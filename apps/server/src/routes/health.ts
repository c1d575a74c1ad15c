import { formatIsoTime, type HealthResponse } from '@watchtower/protocol';
import { Hono } from 'hono';
import type { ResolvedDeps } from '../deps.js';
import type { AppEnv } from '../http/app-env.js';
import { unixSeconds } from '../domain/views.js';
import { loopProblems, type HealthProblem } from '../jobs/health.js';

/** Seconds a client or a load balancer should wait before asking again. */
const RETRY_AFTER_S = 5;

/**
 * `GET /healthz`: 200 while the database answers and every loop works; 503 naming each
 * part that cannot do its job, and since when, otherwise. It answers from the loops' state
 * and the last database check: a probe costs no database work of its own.
 */
export function healthRoutes({ clock, loops, databaseCheck }: ResolvedDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/healthz', async (c) => {
    const now = clock.now();
    const problems: HealthProblem[] = loopProblems(
      (loops ?? []).map((loop) => loop.health()),
      now,
    );
    const { problem, failedAlerts24h } = await databaseCheck.current();
    if (problem) problems.unshift(problem);
    if (problems.length === 0) {
      return c.json({ result: 200, status: 'ok', failedAlerts24h } satisfies HealthResponse);
    }
    c.get('log').warn({ failing: problems }, 'health check failed');
    c.header('retry-after', String(RETRY_AFTER_S));
    return c.json(
      {
        result: 503,
        status: 'unavailable',
        hint: problems.map((problem) => `${problem.part} failing since ${formatIsoTime(problem.since)}: ${problem.error}`).join('; '),
        failing: problems.map((problem) => ({ ...problem, since: unixSeconds(problem.since) })),
        failedAlerts24h,
      } satisfies HealthResponse,
      503,
    );
  });
  return app;
}
