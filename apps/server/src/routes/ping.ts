import { coversScope, LIMITS, PingQuery, PushQuery, ServiceName, type PushResponse } from '@watchtower/protocol';
import { Hono, type Context } from 'hono';
import type { ResolvedDeps } from '../deps.js';
import { applyChanges, type Changes } from '../domain/changes.js';
import { DomainError } from '../domain/errors.js';
import { findHeartbeat, findServiceByPingToken } from '../domain/heartbeats/find-heartbeats.js';
import { putService, type ServiceConfig } from '../domain/heartbeats/configure-service.js';
import { findKeyBySecret } from '../domain/keys/find-keys.js';
import { KEY_SECRET_PREFIX } from '../domain/keys/key-secret.js';
import { createPulseRecorder } from '../domain/heartbeats/record-pulse.js';
import { failRun, logMessage, startRun } from '../domain/heartbeats/run-signals.js';
import type { AppEnv } from '../http/app-env.js';
import { STATUS_OF } from '../http/errors.js';
import { parseInput } from '../http/validate.js';

/** What a ping URL asks for: the suffix after the token. */
type Signal = { kind: 'success' } | { kind: 'start' } | { kind: 'fail'; exitCode: number | null } | { kind: 'log' };

/** `/:exitCode`: 0 is a success, 1 to 255 a failure with that code. */
function signalOf(suffix: string | undefined): Signal | null {
  if (suffix === undefined) return { kind: 'success' };
  if (suffix === 'start' || suffix === 'log') return { kind: suffix };
  if (suffix === 'fail') return { kind: 'fail', exitCode: null };
  if (!/^\d{1,3}$/.test(suffix) || Number(suffix) > 255) return null;
  return Number(suffix) === 0 ? { kind: 'success' } : { kind: 'fail', exitCode: Number(suffix) };
}

/** A service made by its first ping (`?create=1`): a daily job, an hour late at most. */
const NEW_BY_PING = {
  channels: [],
  schedule: { kind: 'period', period: 86_400 },
  grace: 3_600,
  maxRuntime: null,
  description: null,
  tags: [],
  remindEvery: null,
  warnBefore: null,
  dependsOn: [],
} as const satisfies Omit<ServiceConfig, 'alertType' | 'alertTarget'>;

const DEFAULT_DESTINATION = { alertType: 'log', alertTarget: 'watchtower' };

/** The last `max` characters of a text: a job's output ends with what went wrong. */
const tail = (text: string, max: number) => {
  const characters = Array.from(text);
  return characters.length > max ? characters.slice(-max).join('') : text;
};

/** A POST body is the signal's message, whatever its type; invalid UTF-8 is replaced, not refused. */
async function messageOf(c: Context<AppEnv>, max: number): Promise<string | null> {
  if (c.req.method !== 'POST') return null;
  const text = new TextDecoder('utf-8').decode(await c.req.arrayBuffer());
  // PostgreSQL text cannot keep NUL (the decoder already turned bad bytes into U+FFFD).
  const clean = text.replaceAll('\0', '').trim();
  return clean === '' ? null : tail(clean, max);
}

/**
 * Ping URLs in Healthchecks' form and Uptime Kuma's push URL: no credentials, the token is
 * the secret. Answers are plain text (`OK`, `not found`), as the tools that call them expect.
 */
export function pingRoutes(deps: ResolvedDeps): Hono<AppEnv> {
  const { db, clock, signals, feed } = deps;
  const context = { db, clock };
  const recordPulse = createPulseRecorder({ ...context, observer: deps.metrics.groupCommit('pulse') });
  const app = new Hono<AppEnv>();

  /** Sends one signal to the service of `token`; answers the changes to apply. */
  async function send(service: string, signal: Signal, message: string | null, rid: string | null): Promise<Changes> {
    switch (signal.kind) {
      case 'success':
        return (await recordPulse({ service, ...(message !== null && { message: tail(message, LIMITS.pulseMessageMaxLength) }) }, { rid }))
          .changes;
      case 'start':
        return (await startRun(context, { service, rid, message })).changes;
      case 'fail':
        return (await failRun(context, { service, rid, exitCode: signal.exitCode, message })).changes;
      case 'log':
        return (await logMessage(context, { service, message: message ?? '' })).changes;
    }
  }

  /**
   * `/ping/:key/:slug`: a pulse (or admin) key and the service's name. With `?create=1` an
   * unknown service is made on its first ping: period 1 day, grace 1 hour, the default channel.
   */
  async function serviceOfKey(secret: string, slug: string, create: boolean): Promise<string> {
    const key = await findKeyBySecret(context, { secret });
    if (!key) throw new DomainError('NOT_FOUND', 'not found');
    if (!coversScope(key.scope, 'pulse')) {
      throw new DomainError('FORBIDDEN', `this key has scope ${key.scope}; a ping needs a pulse or admin key`);
    }
    const service = parseInput(ServiceName, slug);
    if (await findHeartbeat(context, { service })) return service;
    if (!create) throw new DomainError('NOT_FOUND', 'not found');
    const { defaultType, defaultTarget } = deps.config.alerts;
    const destination = defaultType && defaultTarget ? { alertType: defaultType, alertTarget: defaultTarget } : DEFAULT_DESTINATION;
    const { changes } = await putService(context, { service, config: { ...NEW_BY_PING, ...destination } });
    applyChanges(changes, { feed, signals, log: deps.log });
    return service;
  }

  /** The service a ping names, by its token or by a key and its name; and the signal. */
  async function resolvePing(c: Context<AppEnv>, create: boolean): Promise<{ service: string; signal: Signal }> {
    const [first, second, third] = [c.req.param('first')!, c.req.param('second'), c.req.param('third')];
    if (first.startsWith(KEY_SECRET_PREFIX) && second !== undefined) {
      const signal = signalOf(third);
      if (!signal) throw new DomainError('NOT_FOUND', 'not found');
      return { service: await serviceOfKey(first, second, create), signal };
    }
    const signal = third === undefined ? signalOf(second) : null;
    const service = signal && (await findServiceByPingToken(context, { token: first }));
    if (!signal || !service) throw new DomainError('NOT_FOUND', 'not found');
    return { service, signal };
  }

  async function ping(c: Context<AppEnv>): Promise<Response> {
    try {
      const { rid, create } = parseInput(PingQuery, c.req.query());
      const { service, signal } = await resolvePing(c, create);
      const message = await messageOf(c, LIMITS.signalMessageMaxLength);
      if (signal.kind === 'log' && message === null)
        throw new DomainError('VALIDATION_FAILED', 'a log ping needs a message: POST it as the body');
      applyChanges(await send(service, signal, message, rid ?? null), { feed, signals, log: c.get('log') });
      return c.text('OK');
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return c.text(error.message, STATUS_OF[error.code]);
    }
  }

  // /ping/:token, /ping/:token/:signal, /ping/:key/:slug and /ping/:key/:slug/:signal.
  for (const method of ['get', 'post'] as const) {
    app[method]('/ping/:first', ping);
    app[method]('/ping/:first/:second', ping);
    app[method]('/ping/:first/:second/:third', ping);
  }

  app.get('/api/push/:token', async (c) => {
    const service = await findServiceByPingToken(context, { token: c.req.param('token') });
    if (!service) return c.json({ ok: false, msg: 'not found' }, 404);
    const query = PushQuery.safeParse(c.req.query());
    if (!query.success) return c.json({ ok: false, msg: query.error.issues.map((issue) => issue.message).join('; ') }, 400);
    const { status, msg } = query.data;
    const signal: Signal = status === 'up' ? { kind: 'success' } : { kind: 'fail', exitCode: null };
    applyChanges(await send(service, signal, msg ?? null, null), { feed, signals, log: c.get('log') });
    return c.json({ ok: true } satisfies PushResponse);
  });

  return app;
}
