import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { dirname, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { serve, type ServerType } from '@hono/node-server';
import { createChannelRegistry } from './channels/registry.js';
import { createApp } from './app.js';
import { answerClientErrors } from './http/client-errors.js';
import { ConfigError, loadConfig } from './config.js';
import { openStorage, type Storage } from './db/client.js';
import { DataDirLockedError, lockDataDir } from './db/data-dir-lock.js';
import { createNotifyChangeFeed } from './feed/notify-feed.js';
import { createOutageTracker, watchOutages } from './db/outage.js';
import { holdLivenessLock, registerInstance, stopInstance } from './domain/instances/process-registry.js';
import { startLiveness } from './jobs/liveness.js';
import { startMaintenance } from './jobs/maintenance.js';
import { startLoop, type Loop } from './jobs/loop.js';
import { createSendStep } from './jobs/sender.js';
import { createSweepStep } from './jobs/sweeper.js';
import { DatabaseClock } from './lib/clock.js';
import { createLocalChangeFeed } from './feed/change-feed.js';
import { createLogger } from './lib/logger.js';
import { storedPassword } from './lib/password.js';

function readKeyFile(key: string, file: string): Buffer {
  try {
    return readFileSync(resolve(file));
  } catch (error) {
    throw new ConfigError(`${key}: cannot read ${resolve(file)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
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

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`watchtower: ${error.message}`);
      process.exit(78);
    }
    throw error;
  }
  const log = createLogger(config.log.level);
  const dataDir = resolve(config.database.dataDir);

  let releaseLock: (() => Promise<void>) | undefined;
  let opened: Storage;
  if (config.database.url) {
    opened = await openStorage({ kind: 'postgres', url: config.database.url });
  } else {
    releaseLock = await lockDataDir(dataDir, {
      log,
      onCompromised: (error) => {
        // Another process owns the folder now: any further write, even a clean close, corrupts it.
        log.error({ err: error, dataDir }, 'lost the lock of the data folder; stopping at once');
        process.exit(75);
      },
    });
    opened = await openStorage({ kind: 'pglite', dataDir });
  }
  // Deadlines follow the database's clock, carried between readings by a monotonic one.
  const clock = await DatabaseClock.start({ read: () => opened.readClock(), monotonic: () => performance.now() });
  const outage = createOutageTracker();
  const storage = watchOutages(opened, outage, () => clock.now());
  await storage.migrate();
  if (storage.kind === 'pglite') {
    // PGlite has no autovacuum to keep the planner's statistics: gather them at start.
    await storage.query('analyze', []);
  }
  log.info({ database: storage.kind, dataDir: storage.kind === 'pglite' ? dataDir : undefined }, 'database ready');

  let password = config.password;
  if (!password && storage.kind === 'postgres') {
    console.error(
      'watchtower: WATCHTOWER_PASSWORD: required with DATABASE_URL, so that every server process on that database shares one password',
    );
    await storage.close();
    process.exit(78);
  }
  if (!password) {
    const stored = storedPassword(dataDir);
    password = stored.password;
    if (stored.created) {
      // Shown this once; it stays in the data folder for the next starts.
      process.stdout.write(
        `\nwatchtower: no password was configured, so one was generated and stored in ${stored.file}:\n\n    ${password}\n\n` +
          'Send it in the "password" header of every API call, or set WATCHTOWER_PASSWORD.\n\n',
      );
    } else {
      log.info({ file: stored.file }, 'using the stored password');
    }
  }

  const channels = createChannelRegistry(config, log);
  const { defaultType, defaultTarget } = config.alerts;
  if (defaultType || defaultTarget) {
    const problem = defaultType && defaultTarget
      ? await channels.problemWith(defaultType, defaultTarget)
      : 'WATCHTOWER_ALERT_TYPE and WATCHTOWER_ALERT_TARGET go together';
    if (problem) {
      console.error(`watchtower: alerts.defaultType / alerts.defaultTarget: ${problem}`);
      await storage.close();
      process.exit(78);
    }
  }

  const tls = config.server.ssl
    ? { key: readKeyFile('server.keyFile', config.server.keyFile), cert: readKeyFile('server.certFile', config.server.certFile) }
    : undefined;

  // Deadlines that passed while no server ran get one fresh nextIn, before any sweep.
  const instanceId = randomUUID();
  // PostgreSQL: a lock held by each running process tells a starting one who still runs.
  // PGlite: the data-folder lock already proves that no other process runs.
  const livenessLock = config.database.url ? await holdLivenessLock(config.database.url, instanceId) : undefined;
  const registration = await registerInstance(storage, {
    id: instanceId,
    now: clock.now(),
    probe: livenessLock ? { lock: true } : { staleAfterMs: 0 },
  });
  if (registration.downtime) {
    log.warn(
      { from: registration.downtime.from, to: registration.downtime.to, graced: registration.graced.length },
      'server was down; overdue services get one fresh nextIn',
    );
  }
  const liveness = startLiveness(storage, instanceId, clock, log);
  const maintenance = storage.kind === 'pglite' ? startMaintenance(storage, log) : undefined;
  const feed = config.database.url ? await createNotifyChangeFeed(config.database.url, log) : createLocalChangeFeed();
  // Other processes on a shared PostgreSQL arm deadlines and queue alerts too: poll for them.
  const pollMs = storage.kind === 'postgres' ? 1_000 : 30_000;
  const send = createSendStep({
    storage,
    clock,
    log,
    channels,
    feed,
    background: { onSettled: () => sender.wake() },
  });
  const sender: Loop = startLoop('sender', send, { pollMs, clock, log });
  const sweeper = startLoop(
    'sweeper',
    createSweepStep({ storage, clock, log, feed, outage, followClock: clock, onClaimed: () => sender.wake() }),
    { pollMs, clock, log },
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
    loops: [sweeper, sender],
    guiDir: findGuiDir(),
  });
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

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      log.error('shutdown took too long; exiting');
      process.exit(1);
    }, 10_000);
    force.unref();
    const closed = new Promise<void>((done) => server.close(() => done()));
    // Idle keep-alive sockets would hold close() open. A live stream's socket turns idle only
    // after the feed has ended it (a browser keeps it for minutes): close idle ones until done.
    const closeIdle = () => (server as { closeIdleConnections?: () => void }).closeIdleConnections?.();
    closeIdle();
    const idleSweep = setInterval(closeIdle, 50);
    // Ends the live streams, which would otherwise keep their connections open.
    await feed.close();
    await closed;
    clearInterval(idleSweep);
    liveness.stop();
    maintenance?.stop();
    await Promise.all([sweeper.stop(), sender.stop()]);
    // Deliveries under way finish and are recorded, so none is sent twice after a restart.
    await send.drain();
    await stopInstance(storage, instanceId, clock.now()).catch((error: unknown) =>
      log.warn({ err: error }, 'could not record the stop'),
    );
    await livenessLock?.release();
    await storage.close();
    await releaseLock?.();
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(`watchtower: ${error.message}`);
    process.exit(78);
  }
  if (error instanceof DataDirLockedError) {
    console.error(`watchtower: ${error.message}`);
    process.exit(75);
  }
  console.error('watchtower: failed to start:', error);
  process.exit(1);
});
