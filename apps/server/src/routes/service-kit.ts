import { ServiceName, type ServiceResponse } from '@watchtower/protocol';
import type { Context } from 'hono';
import type { HeartbeatRow } from '../db/schema.js';
import type { ResolvedDeps } from '../deps.js';
import { applyChanges, type Changes } from '../domain/changes.js';
import type { AppEnv } from '../http/app-env.js';
import { readBody } from '../http/read-body.js';
import { parseInput } from '../http/validate.js';
import { heartbeatView } from './heartbeat-view.js';

/** What the routes below `/heartbeat/:service` share: the service named, and the answer. */
export function serviceRouteKit(deps: ResolvedDeps) {
  const { db, clock, signals, feed } = deps;
  const serviceOf = (c: Context<AppEnv>) => parseInput(ServiceName, c.req.param('service'));
  return {
    context: { db, clock },
    serviceOf,
    /** The service a call without a body names; a body sent anyway is read, so that bad bytes in it are refused as anywhere. */
    serviceOnly: async (c: Context<AppEnv>) => {
      await readBody(c);
      return { service: serviceOf(c) };
    },
    /** Applies what a verb changed. */
    apply: (c: Context<AppEnv>, changes: Changes) => applyChanges(changes, { feed, signals, log: c.get('log') }),
    /** Applies what a verb changed, and answers the service as it is now. */
    answer: async (c: Context<AppEnv>, outcome: { heartbeat: HeartbeatRow; changes: Changes }) => {
      applyChanges(outcome.changes, { feed, signals, log: c.get('log') });
      return c.json({ result: 200, heartBeat: await heartbeatView(deps, c, outcome.heartbeat) } satisfies ServiceResponse);
    },
  };
}
