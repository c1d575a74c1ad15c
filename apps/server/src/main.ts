import cluster from 'node:cluster';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { dirname, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { serve, type ServerType } from '@hono/node-server';
import { createChannelRegistry, type ChannelRegistry } from './channels/registry.js';
import { createApp } from './app.js';
import { problemWithTemplates } from './channels/channel-templates.js';
import { applyChanges } from './domain/changes.js';
import { syncConfigChannels } from './domain/channels/sync-config-channels.js';
import { answerClientErrors } from './http/client-errors.js';
import { ConfigError, loadConfig, workerCount, type Config } from './config.js';
import { openStorage, type Storage } from './db/client.js';
import { DataDirLockedError, lockDataDir } from './db/data-dir-lock.js';
import { createOutageTracker, watchOutages, type OutageTracker } from './db/outage.js';
import { holdLivenessLock, registerInstance, stopInstance } from './domain/instances/process-registry.js';
import { createLocalChangeFeed, type ChangeFeed } from './feed/change-feed.js';
import { createNotifyChangeFeed } from './feed/notify-feed.js';
import { startLiveness } from './jobs/liveness.js';
import { startMaintenance } from './jobs/maintenance.js';
import { retentionSettings, startRetention } from './jobs/retention.js';
import { prepareEventPartitions } from './domain/retention/event-partitions.js';
import { startLoop, type Loop } from './jobs/loop.js';
import { createDatabaseCheck, type DatabaseCheck } from './jobs/database-check.js';
import { createSendStep } from './jobs/sender.js';
import { createSweepStep } from './jobs/sweeper.js';
import { createCleanUpStack, type CleanUpStack } from './lib/clean-up-stack.js';
import { DatabaseClock } from './lib/clock.js';
import { createLogger, type Logger } from './lib/logger.js';
import { countingFeed, Metrics } from './lib/metrics.js';
import { storedPassword } from './lib/password.js';
import { findSdkFiles } from './routes/sdk.js';
import { superviseWorkers } from './workers.js';

// sysexits' codes: EX_TEMPFAIL (75) for a data folder in use, EX_CONFIG (78) for a bad setting.
const EXIT = { stopped: 0, failed: 1, dataDirLocked: 75, config: 78 } as const;
const FORCED_EXIT_AFTER_MS = 10_000;

type Tls = { key: Buffer; cert: Buffer };

function readKeyFile(key: string, file: string): Buffer {
  try {
    return readFileSync(resolve(file));
  } catch (error) {
    throw new ConfigError(`${key}: cannot read ${resolve(file)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

function readTls(config: Config): Tls | undefined {
  return config.server.ssl
    ? { key: readKeyFile('server.keyFile', config.server.keyFile), cert: readKeyFile('server.certFile', config.server.certFile) }
    : undefined;
}

function findGuiDir(): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    return resolve(dirname(require.resolve('@watchtower/gui/package.json')), 'dist');
  } catch {
    // Without the dashboard package (a bare API deployment) /gui is simply not served.
    return undefined;
  }
}

async function lockDataFolder(dataDir: string, log: Logger, cleanUp: CleanUpStack): Promise<void> {
  const release = await lockDataDir(dataDir, {
    log,
    onCompromised: (error) => {
      // Another process owns the folder now: any further write, even a clean close, corrupts it.
      log.error({ err: error, dataDir }, 'lost the lock of the data folder; stopping at once');
      process.exit(EXIT.dataDirLocked);
    },
  });
  cleanUp.push('data folder lock', release);
}

async function openDatabase(config: Config, dataDir: string, log: Logger, cleanUp: CleanUpStack): Promise<Storage> {
  if (!config.database.url) await lockDataFolder(dataDir, log, cleanUp);
  const opened = config.database.url
    ? await openStorage({ kind: 'postgres', url: config.database.url })
    : await openStorage({ kind: 'pglite', dataDir });
  cleanUp.push('storage', () => opened.close());
  return opened;
}

async function migrateDatabase(storage: Storage, clock: DatabaseClock, dataDir: string, log: Logger): Promise<void> {
  await storage.migrate();
  // Today's events get their partition before the first is written (else the default one
  // holds them until the retention job makes it).
  await prepareEventPartitions(storage, clock.now()).catch((error: unknown) =>
    log.warn({ err: error }, 'could not make the event partitions of the days ahead; retention tries again'),
  );
  if (storage.kind === 'pglite') {
    // PGlite has no autovacuum to keep the planner's statistics: gather them at start.
    await storage.query('analyze', []);
  }
  log.info({ database: storage.kind, dataDir: storage.kind === 'pglite' ? dataDir : undefined }, 'database ready');
}

function choosePassword(config: Config, storage: Storage, dataDir: string, log: Logger): string {
  if (config.password) return config.password;
  if (storage.kind === 'postgres') {
    throw new ConfigError(
      'WATCHTOWER_PASSWORD: required with DATABASE_URL, so that every server process on that database shares one password',
    );
  }
  const stored = storedPassword(dataDir);
  if (stored.created) {
    // Shown this once; it stays in the data folder for the next starts.
    process.stdout.write(
      `\nwatchtower: no password was configured, so one was generated and stored in ${stored.file}:\n\n    ${stored.password}\n\n` +
        'Send it in the "password" header of every API call, or set WATCHTOWER_PASSWORD.\n\n',
    );
  } else {
    log.info({ file: stored.file }, 'using the stored password');
  }
  return stored.password;
}

/** The config file's channels, checked as the API checks them and stored with source `config`. */
async function storeConfigChannels({
  config,
  storage,
  clock,
  channels,
  log,
}: {
  config: Config;
  storage: Storage;
  clock: DatabaseClock;
  channels: ChannelRegistry;
  log: Logger;
}): Promise<void> {
  const defined = config.channels ?? {};
  for (const [name, definition] of Object.entries(defined)) {
    const problem =
      problemWithTemplates(definition.templates) ??
      (await channels.problemWithSettings(definition.type, definition.settings as Record<string, unknown>));
    if (problem) throw new ConfigError(`channels.${name}: ${problem}`);
  }
  const { changes } = await syncConfigChannels({ db: storage, clock }, { channels: defined });
  applyChanges(changes, { log });
}

async function createChannels(config: Config, log: Logger): Promise<ChannelRegistry> {
  const channels = createChannelRegistry(config, log);
  const { defaultType, defaultTarget } = config.alerts;
  if (defaultType || defaultTarget) {
    const problem =
      defaultType && defaultTarget
        ? await channels.problemWith(defaultType, defaultTarget)
        : 'WATCHTOWER_ALERT_TYPE and WATCHTOWER_ALERT_TARGET go together';
    if (problem) throw new ConfigError(`alerts.defaultType / alerts.defaultTarget: ${problem}`);
  }
  return channels;
}

/** Registers this process; deadlines that passed while no server ran get one fresh nextIn, before any sweep. */
async function registerProcess(
  { config, storage, clock, log }: { config: Config; storage: Storage; clock: DatabaseClock; log: Logger },
  cleanUp: CleanUpStack,
): Promise<string> {
  const instanceId = randomUUID();
  // PostgreSQL: a lock held by each running process tells a starting one who still runs.
  // PGlite: the data-folder lock already proves that no other process runs.
  const livenessLock = config.database.url ? await holdLivenessLock(config.database.url, instanceId) : undefined;
  if (livenessLock) cleanUp.push('liveness lock', () => livenessLock.release());
  const context = { db: storage, clock };
  const registration = await registerInstance(context, { id: instanceId, probe: livenessLock ? { lock: true } : { staleAfterMs: 0 } });
  cleanUp.push('instance', () =>
    stopInstance(context, { id: instanceId }).catch((error: unknown) => log.warn({ err: error }, 'could not record the stop')),
  );
  if (registration.downtime) {
    log.warn(
      { from: registration.downtime.from, to: registration.downtime.to, graced: registration.graced.length },
      'server was down; overdue services get one fresh nextIn',
    );
  }
  return instanceId;
}

/** The live change feed, and its close: the server calls it too, since live streams hold their connections open. */
async function openFeed(config: Config, log: Logger, cleanUp: CleanUpStack): Promise<{ feed: ChangeFeed; closeFeed: () => Promise<void> }> {
  const feed = config.database.url ? await createNotifyChangeFeed(config.database.url, log) : createLocalChangeFeed();
  let closing: Promise<void> | undefined;
  const closeFeed = () => (closing ??= feed.close());
  cleanUp.push('feed', closeFeed);
  return { feed, closeFeed };
}

interface LoopDeps {
  config: Config;
  storage: Storage;
  clock: DatabaseClock;
  log: Logger;
  channels: ChannelRegistry;
  feed: ChangeFeed;
  outage: OutageTracker;
  instanceId: string;
  metrics: Metrics;
}

function startLoops(
  { config, storage, clock, log, channels, feed: answeredFeed, outage, instanceId, metrics }: LoopDeps,
  cleanUp: CleanUpStack,
): { sweeper: Loop; sender: Loop; databaseCheck: DatabaseCheck } {
  const feed = countingFeed(answeredFeed, metrics);
  const databaseCheck = createDatabaseCheck({ db: storage, clock, outage, log });
  const checking = databaseCheck.start();
  const liveness = startLiveness(storage, instanceId, clock, log);
  const maintenance = storage.kind === 'pglite' ? startMaintenance(storage, log) : undefined;
  const retention = startRetention({ db: storage, clock }, retentionSettings(config), log);
  // Other processes on a shared PostgreSQL arm deadlines and queue alerts too: poll for them.
  const pollMs = storage.kind === 'postgres' ? 1_000 : 30_000;
  const send = createSendStep({
    storage,
    clock,
    log,
    channels,
    feed,
    metrics,
    background: { onSettled: () => sender.wake() },
  });
  // Deliveries under way finish and are recorded, so none is sent twice after a restart.
  cleanUp.push('deliveries', () => send.drain());
  const sender: Loop = startLoop('sender', send, { pollMs, clock, log });
  const sweeper = startLoop(
    'sweeper',
    createSweepStep({
      storage,
      clock,
      log,
      feed,
      outage,
      followClock: clock,
      metrics,
      signals: { alertQueued: () => sender.wake() },
    }),
    { pollMs, clock, log },
  );
  cleanUp.push('loops', async () => {
    liveness.stop();
    maintenance?.stop();
    await Promise.all([sweeper.stop(), sender.stop(), retention.stop(), checking.stop()]);
  });
  return { sweeper, sender, databaseCheck };
}

async function closeServer(server: ServerType, endStreams: () => Promise<void>): Promise<void> {
  const closed = new Promise<void>((done) => server.close(() => done()));
  // Idle keep-alive sockets would hold close() open. A live stream's socket turns idle only
  // after the feed has ended it (a browser keeps it for minutes): close idle ones until done.
  const closeIdle = () => (server as { closeIdleConnections?: () => void }).closeIdleConnections?.();
  closeIdle();
  const idleSweep = setInterval(closeIdle, 50);
  try {
    // Ends the live streams, which would otherwise keep their connections open.
    await endStreams();
    await closed;
  } finally {
    clearInterval(idleSweep);
  }
}

async function listen(
  { app, config, tls, log }: { app: ReturnType<typeof createApp>; config: Config; tls: Tls | undefined; log: Logger },
  endStreams: () => Promise<void>,
  cleanUp: CleanUpStack,
): Promise<void> {
  const server: ServerType = await new Promise((started, failed) => {
    const instance = serve(
      {
        fetch: app.fetch,
        port: config.server.port,
        hostname: config.server.host,
        ...(tls ? { createServer: createHttpsServer, serverOptions: tls } : {}),
      },
      (info) => {
        answerClientErrors(instance);
        log.info({ port: info.port, host: config.server.host, tls: Boolean(tls) }, 'listening');
        started(instance);
      },
    );
    instance.once('error', failed);
  });
  cleanUp.push('server', () => closeServer(server, endStreams));
}

/** Start-up, step by step; each step that holds something pushes how to let it go. */
async function startServer(config: Config, log: Logger, cleanUp: CleanUpStack): Promise<void> {
  const dataDir = resolve(config.database.dataDir);
  const opened = await openDatabase(config, dataDir, log, cleanUp);
  // Deadlines follow the database's clock, carried between readings by a monotonic one.
  const clock = await DatabaseClock.start({ read: () => opened.readClock(), monotonic: () => performance.now() });
  const outage = createOutageTracker();
  const storage = watchOutages(opened, outage, () => clock.now());
  await migrateDatabase(storage, clock, dataDir, log);
  const password = choosePassword(config, storage, dataDir, log);
  const channels = await createChannels(config, log);
  // Pushed before the loops: it runs after their deliveries have ended.
  cleanUp.push('outgoing connections', () => channels.close());
  await storeConfigChannels({ config, storage, clock, channels, log });
  const tls = readTls(config);
  const instanceId = await registerProcess({ config, storage, clock, log }, cleanUp);
  const { feed, closeFeed } = await openFeed(config, log, cleanUp);
  const metrics = new Metrics();
  const { sweeper, sender, databaseCheck } = startLoops(
    { config, storage, clock, log, channels, feed, outage, instanceId, metrics },
    cleanUp,
  );
  const app = createApp({
    db: storage,
    clock,
    config: { ...config, password },
    log,
    channels,
    signals: { deadlineSet: (at) => sweeper.wake(at), alertQueued: () => sender.wake() },
    feed,
    outage,
    databaseCheck,
    metrics,
    loops: [sweeper, sender],
    guiDir: findGuiDir(),
    sdk: findSdkFiles(),
  });
  await listen({ app, config, tls, log }, closeFeed, cleanUp);
}

/** The one place that says why start-up failed, and with which exit code. */
function reportFailure(error: unknown): number {
  if (error instanceof ConfigError) {
    console.error(`watchtower: ${error.message}`);
    return EXIT.config;
  }
  if (error instanceof DataDirLockedError) {
    console.error(`watchtower: ${error.message}`);
    return EXIT.dataDirLocked;
  }
  console.error('watchtower: failed to start:', error);
  return EXIT.failed;
}

let exiting = false;

/**
 * The one way out, after a signal or a failed start-up: undoes the steps taken, newest
 * first, and exits; past FORCED_EXIT_AFTER_MS it exits without waiting for them.
 */
async function exitProcess(cleanUp: CleanUpStack, log: Logger | undefined, reason: { signal: string } | { error: unknown }): Promise<void> {
  if (exiting) return;
  exiting = true;
  const code = 'signal' in reason ? EXIT.stopped : reportFailure(reason.error);
  if ('signal' in reason) log?.info({ signal: reason.signal }, 'shutting down');
  const force = setTimeout(() => {
    log?.error('shutdown took too long; exiting');
    process.exit(code === EXIT.stopped ? EXIT.failed : code);
  }, FORCED_EXIT_AFTER_MS);
  force.unref();
  const clean = await cleanUp.unwind((step, error) =>
    log ? log.error({ err: error, step }, 'clean-up failed') : console.error(`watchtower: clean-up of ${step} failed:`, error),
  );
  if (code === EXIT.stopped) log?.info('stopped');
  process.exit(code === EXIT.stopped && !clean ? EXIT.failed : code);
}

async function main(): Promise<void> {
  const cleanUp = createCleanUpStack();
  let log: Logger | undefined;
  try {
    const config = loadConfig();
    log = createLogger(config.log.level);
    const workers = workerCount(config);
    if (workers > 1 && cluster.isPrimary) {
      // This process only watches over the workers, each of which runs the whole server.
      process.exit(await superviseWorkers({ count: workers, log }));
    }
    await startServer(config, log, cleanUp);
  } catch (error) {
    return exitProcess(cleanUp, log, { error });
  }
  process.on('SIGTERM', () => void exitProcess(cleanUp, log, { signal: 'SIGTERM' }));
  process.on('SIGINT', () => void exitProcess(cleanUp, log, { signal: 'SIGINT' }));
}

void main();
