import {
  FailRequest,
  LogRequest,
  ROUTES,
  RunsQuery,
  ServiceName,
  ServicePatch,
  ServiceSettings,
  SnoozeManyRequest,
  SnoozeRequest,
  StartRequest,
  type SnoozeManyResponse,
  type ListRunsResponse,
  type LogResponse,
  type ServiceResponse,
} from '@watchtower/protocol';
import { Hono, type Context } from 'hono';
import type { ResolvedDeps } from '../deps.js';
import { applyChanges, type Changes } from '../domain/changes.js';
import { DomainError } from '../domain/errors.js';
import {
  configFromSettings,
  deleteService,
  pauseService,
  patchService,
  putService,
  resumeService,
} from '../domain/heartbeats/configure-service.js';
import { listRuns } from '../domain/heartbeats/list-runs.js';
import { failRun, logMessage, startRun } from '../domain/heartbeats/run-signals.js';
import type { HeartbeatRow } from '../db/schema.js';
import { snoozeEnd, snoozeMany, snoozeService } from '../domain/heartbeats/snooze-service.js';
import { toRun, unixSeconds } from '../domain/views.js';
import type { AppEnv } from '../http/app-env.js';
import { readBody } from '../http/read-body.js';
import { parseInput } from '../http/validate.js';
import { heartbeatView } from './heartbeat-view.js';

/** The configured services and their runs: `/heartbeat/:service` and what hangs below it. */
export function serviceRoutes(deps: ResolvedDeps): Hono<AppEnv> {
  const { db, clock, channels, config, signals, feed } = deps;
  const app = new Hono<AppEnv>();
  const context = { db, clock };
  const serviceOf = (c: Context<AppEnv>) => parseInput(ServiceName, c.req.param('service'));
  /** Applies what a verb changed, and answers the service as it is now. */
  const answer = async (c: Context<AppEnv>, outcome: { heartbeat: HeartbeatRow; changes: Changes }) => {
    applyChanges(outcome.changes, { feed, signals, log: c.get('log') });
    return c.json({ result: 200, heartBeat: await heartbeatView(deps, c, outcome.heartbeat) } satisfies ServiceResponse);
  };

  /** Where a service's alerts go: the settings' channel, else the server's default, else the log. */
  async function destinationOf(settings: { alertType?: string; alertTarget?: string; channels: string[] }) {
    if (settings.channels.length > 0) {
      throw new DomainError(
        'VALIDATION_FAILED',
        `unknown channel ${JSON.stringify(settings.channels[0])}: this server defines no named channels; give alertType and alertTarget instead`,
      );
    }
    if (settings.alertType !== undefined && settings.alertTarget !== undefined) {
      const problem = await channels.problemWith(settings.alertType, settings.alertTarget);
      if (problem) throw new DomainError('VALIDATION_FAILED', problem);
      return { alertType: settings.alertType, alertTarget: settings.alertTarget };
    }
    const { defaultType, defaultTarget } = config.alerts;
    return defaultType && defaultTarget
      ? { alertType: defaultType, alertTarget: defaultTarget }
      : { alertType: 'log', alertTarget: 'watchtower' };
  }

  app.put(ROUTES.putService.paths[0], async (c) => {
    const service = serviceOf(c);
    const settings = parseInput(ServiceSettings, await readBody(c));
    const config = configFromSettings(settings, await destinationOf(settings));
    return answer(c, await putService(context, { service, config }));
  });

  app.patch(ROUTES.patchService.paths[0], async (c) => {
    const service = serviceOf(c);
    const change = parseInput(ServicePatch, await readBody(c));
    if (change.channels !== undefined || change.alertType !== undefined) {
      await destinationOf({ alertType: change.alertType, alertTarget: change.alertTarget, channels: change.channels ?? [] });
    }
    return answer(c, await patchService(context, { service, change }));
  });

  app.delete(ROUTES.deleteService.paths[0], async (c) => answer(c, await deleteService(context, { service: serviceOf(c) })));
  app.post(ROUTES.pauseService.paths[0], async (c) => answer(c, await pauseService(context, { service: serviceOf(c) })));
  app.post(ROUTES.resumeService.paths[0], async (c) => answer(c, await resumeService(context, { service: serviceOf(c) })));

  app.post(ROUTES.snoozeService.paths[0], async (c) => {
    const service = serviceOf(c);
    const until = snoozeEnd(context, parseInput(SnoozeRequest, await readBody(c)));
    return answer(c, await snoozeService(context, { service, until }));
  });
  app.delete(ROUTES.unsnoozeService.paths[0], async (c) => answer(c, await snoozeService(context, { service: serviceOf(c), until: null })));

  app.post(ROUTES.snoozeMany.paths[0], async (c) => {
    const request = parseInput(SnoozeManyRequest, await readBody(c));
    const until = snoozeEnd(context, request);
    const { services, changes } = await snoozeMany(context, { tag: request.tag, until });
    applyChanges(changes, { feed, signals, log: c.get('log') });
    return c.json({ result: 200, services, snoozedUntil: unixSeconds(until) } satisfies SnoozeManyResponse);
  });

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
    applyChanges(changes, { feed, signals, log: c.get('log') });
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
