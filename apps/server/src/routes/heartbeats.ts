import {
  CancelRequest,
  PulseRequest,
  ROUTES,
  ServiceName,
  type CancelResponse,
  type GetHeartbeatResponse,
  type ListHeartbeatsResponse,
  type PulseResponse,
} from '@watchtower/protocol';
import { Hono } from 'hono';
import type { ResolvedDeps } from '../deps.js';
import { applyChanges } from '../domain/changes.js';
import { cancelHeartbeat } from '../domain/heartbeats/cancel-heartbeat.js';
import { DomainError } from '../domain/errors.js';
import { findHeartbeat, listHeartbeats } from '../domain/heartbeats/find-heartbeats.js';
import { patchService } from '../domain/heartbeats/configure-service.js';
import { changedSettings, checkPulseSettings, pulseSettingsOf } from '../domain/heartbeats/pulse-settings.js';
import { createPulseRecorder } from '../domain/heartbeats/record-pulse.js';
import { toHeartbeat } from '../domain/views.js';
import type { AppEnv } from '../http/app-env.js';
import { heartbeatView, heartbeatViews } from './heartbeat-view.js';
import { readBody } from '../http/read-body.js';
import { parseInput } from '../http/validate.js';

export function heartbeatRoutes(deps: ResolvedDeps): Hono<AppEnv> {
  const { db, clock, channels, signals, feed } = deps;
  const app = new Hono<AppEnv>();
  const context = { db, clock };
  const recordPulse = createPulseRecorder({ ...context, observer: deps.metrics.groupCommit('pulse') });

  for (const path of ROUTES.pulse.paths) {
    app.post(path, async (c) => {
      const pulse = parseInput(PulseRequest, await readBody(c));
      if (pulse.alertType !== undefined && pulse.alertTarget !== undefined) {
        const problem = await channels.problemWith(pulse.alertType, pulse.alertTarget);
        if (problem) throw new DomainError('VALIDATION_FAILED', problem);
      }
      // Lifecycle settings on a pulse are checked before it is stored, and applied after.
      const settings = pulseSettingsOf(pulse);
      if (settings) await checkPulseSettings(context, pulse.service, settings);
      const pulsed = await recordPulse(pulse);
      applyChanges(pulsed.changes, { feed, signals, log: c.get('log') });
      let heartbeat = pulsed.heartbeat;
      const change = settings && changedSettings(settings, heartbeat);
      if (change) {
        const patched = await patchService(context, { service: pulse.service, change });
        applyChanges(patched.changes, { feed, signals, log: c.get('log') });
        heartbeat = patched.heartbeat;
      }
      return c.json({ result: 200, action: 'pulse', heartBeat: toHeartbeat(heartbeat, clock.now()) } satisfies PulseResponse);
    });
  }

  for (const path of ROUTES.cancel.paths) {
    app.delete(path, async (c) => {
      const { service } = parseInput(CancelRequest, await readBody(c));
      const { heartbeat, changes } = await cancelHeartbeat(context, { service });
      applyChanges(changes, { feed, signals, log: c.get('log') });
      const heartBeat = heartbeat ? toHeartbeat(heartbeat, clock.now()) : null;
      return c.json({ result: 200, action: 'cancel', heartBeat } satisfies CancelResponse);
    });
  }

  for (const path of ROUTES.listHeartbeats.paths) {
    app.get(path, async (c) => {
      const rows = await listHeartbeats(context);
      return c.json({ result: 200, heartBeats: await heartbeatViews(deps, c, rows) } satisfies ListHeartbeatsResponse);
    });
  }

  for (const path of ROUTES.getHeartbeat.paths) {
    app.get(path, async (c) => {
      const service = parseInput(ServiceName, c.req.param('service'));
      const row = await findHeartbeat(context, { service });
      if (!row) throw new DomainError('NOT_FOUND', `no heartbeat for service ${JSON.stringify(service)}`);
      return c.json({ result: 200, heartBeat: await heartbeatView(deps, c, row) } satisfies GetHeartbeatResponse);
    });
  }

  return app;
}
