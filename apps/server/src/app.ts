import { LIMITS, ROUTES } from '@watchtower/protocol';
import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { createChannelRegistry } from './channels/registry.js';
import type { AppDeps, ResolvedDeps } from './deps.js';
import { createLocalChangeFeed } from './feed/change-feed.js';
import { DomainError } from './domain/errors.js';
import { presentedSecret, requireScope } from './http/auth.js';
import type { AppEnv } from './http/app-env.js';
import { createErrorHandler, errorAnswer } from './http/errors.js';
import { createOutageTracker } from './db/outage.js';
import { createDatabaseCheck } from './jobs/database-check.js';
import { limitBody } from './http/body-limit.js';
import { requestContext } from './http/request-context.js';
import { timeRequests } from './http/time-requests.js';
import { countingFeed, Metrics } from './lib/metrics.js';
import { alertRoutes } from './routes/alerts.js';
import { guiRoutes } from './routes/gui.js';
import { sdkRoutes } from './routes/sdk.js';
import { securityHeaders } from './http/security-headers.js';
import { badgeRoutes } from './routes/badges.js';
import { channelRoutes } from './routes/channels.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { eventRoutes } from './routes/events.js';
import { streamRoutes } from './routes/stream.js';
import { healthRoutes } from './routes/health.js';
import { heartbeatRoutes } from './routes/heartbeats.js';
import { historyRoutes } from './routes/history.js';
import { keyRoutes } from './routes/keys.js';
import { metricsRoutes } from './routes/metrics.js';
import { pingRoutes } from './routes/ping.js';
import { referenceRoutes } from './routes/reference.js';
import { serviceRoutes } from './routes/services.js';
import { runRoutes } from './routes/runs.js';
import { snoozeRoutes } from './routes/snooze.js';

/** Every API path with the methods it answers, for 405 answers. */
function allowedMethods(): Map<string, string[]> {
  const allowed = new Map<string, string[]>();
  for (const route of Object.values(ROUTES)) {
    for (const path of route.paths) {
      allowed.set(path, [...(allowed.get(path) ?? []), route.method]);
    }
  }
  return allowed;
}

/** The app's dependencies, with the parts left out made here. */
function resolveDeps(given: AppDeps): ResolvedDeps {
  const metrics = given.metrics ?? new Metrics();
  const outage = given.outage ?? createOutageTracker();
  return {
    ...given,
    channels: given.channels ?? createChannelRegistry(given.config, given.log),
    signals: given.signals ?? { deadlineSet: () => {}, alertQueued: () => {} },
    feed: countingFeed(given.feed ?? createLocalChangeFeed(), metrics),
    outage,
    databaseCheck: given.databaseCheck ?? createDatabaseCheck({ db: given.db, clock: given.clock, outage, log: given.log }),
    metrics,
  };
}

/** Builds the HTTP application. Importing this module does no I/O. */
export function createApp(given: AppDeps): Hono<AppEnv> {
  const deps = resolveDeps(given);
  const { metrics } = deps;
  const app = new Hono<AppEnv>();
  app.onError(createErrorHandler({ outage: deps.outage, now: () => deps.clock.now() }));
  app.notFound((c) => errorAnswer(c, 'NOT_FOUND', `no route ${c.req.method} ${c.req.path}`));

  app.use(timeRequests(metrics));
  app.use(requestContext(deps.log));
  app.use(securityHeaders({ tls: deps.config.server.ssl }));
  if (deps.config.server.corsOrigins.length > 0) {
    const origins = deps.config.server.corsOrigins;
    app.use(
      cors({
        origin: origins.includes('*') ? '*' : origins,
        allowMethods: ['GET', 'POST', 'DELETE'],
        allowHeaders: ['password', 'authorization', 'content-type', 'x-request-id', 'idempotency-key'],
        exposeHeaders: ['x-request-id'],
        maxAge: 600,
      }),
    );
  }
  const limitRequestBody = limitBody(LIMITS.bodyMaxBytes, () => {
    throw new DomainError('PAYLOAD_TOO_LARGE', `the request body is larger than ${LIMITS.bodyMaxBytes / 1024} KiB`);
  });
  // A batch of events carries up to 1,000 messages: its own, larger limit.
  const batchPaths = new Set<string>(ROUTES.addEvents.paths);
  const limitBatchBody = limitBody(LIMITS.eventBatchBodyMaxBytes, () => {
    throw new DomainError(
      'PAYLOAD_TOO_LARGE',
      `the batch is larger than ${LIMITS.eventBatchBodyMaxBytes / 1024 / 1024} MiB; send fewer events per request (nothing was stored)`,
    );
  });
  app.use((c, next) => (batchPaths.has(c.req.path) ? limitBatchBody(c, next) : limitRequestBody(c, next)));

  // Public: the health probe, the ping URLs (their token is the secret), the badges (the badge
  // key is theirs), the API reference, the SDK files and the dashboard's static files.
  app.route('/', healthRoutes(deps));
  app.route('/', pingRoutes(deps));
  // Badges are images for pages of any origin.
  app.use('/badge/*', async (c, next) => {
    c.header('cross-origin-resource-policy', 'cross-origin');
    await next();
  });
  app.route('/', badgeRoutes(deps));
  app.route('/', referenceRoutes(deps));
  app.route('/', sdkRoutes(deps));
  app.get('/', async (c, next) => {
    const wantsPage = (c.req.header('accept') ?? '').includes('text/html');
    if (wantsPage && presentedSecret(c.req.raw.headers) === undefined) return c.redirect('gui/', 302);
    await next();
  });
  if (deps.guiDir) app.route('/', guiRoutes(deps.guiDir));

  const api = new Hono<AppEnv>();
  api.use(
    requireScope({
      db: deps.db,
      clock: deps.clock,
      password: deps.config.password,
      log: deps.log,
      authFailureLimit: deps.config.server.authFailureLimit,
      trustProxy: deps.config.server.trustProxy,
    }),
  );
  api.route('/', heartbeatRoutes(deps));
  api.route('/', serviceRoutes(deps));
  api.route('/', runRoutes(deps));
  api.route('/', snoozeRoutes(deps));
  api.route('/', historyRoutes(deps));
  api.route('/', eventRoutes(deps));
  api.route('/', alertRoutes(deps));
  api.route('/', streamRoutes(deps));
  api.route('/', dashboardRoutes(deps));
  api.route('/', keyRoutes(deps));
  api.route('/', channelRoutes(deps));
  api.route('/', metricsRoutes(deps));
  app.route('/', api);

  for (const [path, methods] of allowedMethods()) {
    app.all(path, (c) => {
      c.header('allow', methods.join(', '));
      return errorAnswer(c, 'METHOD_NOT_ALLOWED', `${c.req.method} is not served at ${path}; use ${methods.join(' or ')}`);
    });
  }
  return app;
}
