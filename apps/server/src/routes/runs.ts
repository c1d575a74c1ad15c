import { FailRequest, LogRequest, ROUTES, RunsQuery, StartRequest, type ListRunsResponse, type LogResponse } from '@watchtower/protocol';
import { Hono } from 'hono';
import type { ResolvedDeps } from '../deps.js';
import { listRuns } from '../domain/heartbeats/list-runs.js';
import { failRun, logMessage, startRun } from '../domain/heartbeats/run-signals.js';
import { toRun } from '../domain/views.js';
import type { AppEnv } from '../http/app-env.js';
import { readBody } from '../http/read-body.js';
import { parseInput } from '../http/validate.js';
import { serviceRouteKit } from './service-kit.js';

/** A job's runs: its start, failure and log signals (a success is a pulse), and the list of its runs. */
export function runRoutes(deps: ResolvedDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { context, serviceOf, apply, answer } = serviceRouteKit(deps);

  app.post(ROUTES.startRun.paths[0], async (c) => {
    const service = serviceOf(c);
    const { rid, message } = parseInput(StartRequest, await readBody(c));
    return answer(c, await startRun(context, { service, rid: rid ?? null, message: message ?? null }));
  });

  app.post(ROUTES.failRun.paths[0], async (c) => {
    const service = serviceOf(c);
    const { rid, exitCode, message } = parseInput(FailRequest, await readBody(c));
    return answer(c, await failRun(context, { service, rid: rid ?? null, exitCode: exitCode ?? null, message: message ?? null }));
  });

  app.post(ROUTES.logMessage.paths[0], async (c) => {
    const service = serviceOf(c);
    const { message } = parseInput(LogRequest, await readBody(c));
    const { event, changes } = await logMessage(context, { service, message });
    apply(c, changes);
    return c.json({ result: 200, event } satisfies LogResponse);
  });

  app.get(ROUTES.listRuns.paths[0], async (c) => {
    const service = serviceOf(c);
    const query = parseInput(RunsQuery, c.req.query());
    const page = await listRuns(context, { service, limit: query.limit, before: query.before });
    return c.json({ result: 200, runs: page.runs.map(toRun), next: page.next } satisfies ListRunsResponse);
  });

  return app;
}
