import { ROUTES, ServicePatch, ServiceSettings } from '@watchtower/protocol';
import { Hono } from 'hono';
import type { ResolvedDeps } from '../deps.js';
import { checkChannelNames } from '../domain/channels/find-channels.js';
import { DomainError } from '../domain/errors.js';
import { findHeartbeat } from '../domain/heartbeats/find-heartbeats.js';
import {
  configFromSettings,
  deleteService,
  pauseService,
  patchService,
  putService,
  resumeService,
} from '../domain/heartbeats/configure-service.js';
import type { AppEnv } from '../http/app-env.js';
import { readBody } from '../http/read-body.js';
import { parseInput } from '../http/validate.js';
import { serviceRouteKit } from './service-kit.js';

/** The configured services: `/heartbeat/:service` with PUT, PATCH and DELETE, pause and resume. */
export function serviceRoutes(deps: ResolvedDeps): Hono<AppEnv> {
  const { channels, config } = deps;
  const app = new Hono<AppEnv>();
  const { context, serviceOf, serviceOnly, answer } = serviceRouteKit(deps);

  const checkChannels = (names: string[]) => checkChannelNames(context, { names });

  /**
   * Where a service's alerts go: the settings' alertType + alertTarget and named channels;
   * with neither, the server's default, else the log. A service with named channels only
   * has no classic pair (empty alertType and alertTarget).
   */
  async function destinationOf(settings: { alertType?: string; alertTarget?: string; channels: string[] }) {
    await checkChannels(settings.channels);
    if (settings.alertType !== undefined && settings.alertTarget !== undefined) {
      const problem = await channels.problemWith(settings.alertType, settings.alertTarget);
      if (problem) throw new DomainError('VALIDATION_FAILED', problem);
      return { alertType: settings.alertType, alertTarget: settings.alertTarget };
    }
    if (settings.channels.length > 0) return { alertType: '', alertTarget: '' };
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
    if (change.channels !== undefined) await checkChannels(change.channels);
    if (change.channels?.length === 0 && change.alertType === undefined) {
      const current = await findHeartbeat(context, { service });
      if (current && current.alertType === '') {
        throw new DomainError(
          'VALIDATION_FAILED',
          `channels: ${service} alerts through its named channels only; give alertType and alertTarget to empty them`,
        );
      }
    }
    if (change.alertType !== undefined && change.alertTarget !== undefined) {
      const problem = await channels.problemWith(change.alertType, change.alertTarget);
      if (problem) throw new DomainError('VALIDATION_FAILED', problem);
    }
    return answer(c, await patchService(context, { service, change }));
  });

  app.delete(ROUTES.deleteService.paths[0], async (c) => answer(c, await deleteService(context, await serviceOnly(c))));
  app.post(ROUTES.pauseService.paths[0], async (c) => answer(c, await pauseService(context, await serviceOnly(c))));
  app.post(ROUTES.resumeService.paths[0], async (c) => answer(c, await resumeService(context, await serviceOnly(c))));

  return app;
}
