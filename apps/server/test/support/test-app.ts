import { afterAll, beforeAll, beforeEach } from 'vitest';
import { createApp } from '../../src/app.js';
import { ConfigSchema, type Config } from '../../src/config.js';
import type { Storage } from '../../src/db/client.js';
import type { ChangeFeed } from '../../src/feed/change-feed.js';
import { ManualClock } from '../../src/lib/clock.js';
import type { SdkFiles } from '../../src/routes/sdk.js';
import { silentLogger, type Logger } from '../../src/lib/logger.js';
import { createTestStorage, type DatabaseKind } from './databases.js';

export const PASSWORD = 'test-password-123';

export interface TestApp {
  storage: Storage & { url?: string };
  clock: ManualClock;
  app: ReturnType<typeof createApp>;
  /** A request with the password header, JSON-encoding `body` unless it is a string. */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  /** Rows stored in a table, to prove what a request did or did not write. */
  count(table: 'heartbeats' | 'events' | 'alerts' | 'api_keys'): Promise<number>;
  /** A new API key of this scope, made through POST /keys with the password: its secret and id. */
  createKey(scope: 'pulse' | 'read' | 'admin', name?: string): Promise<{ secret: string; id: string }>;
}

/**
 * Registers hooks that give each test an empty database of the given kind (one per file,
 * emptied between tests) and an app on a clock that only moves when told.
 */
export function useTestApp(
  kind: DatabaseKind,
  options: { guiDir?: string; sdk?: SdkFiles; configure?: (config: Config) => void; log?: Logger; feed?: ChangeFeed } = {},
): TestApp {
  const context = {} as TestApp;
  beforeAll(async () => {
    context.storage = await createTestStorage(kind);
  });
  afterAll(async () => {
    await context.storage?.close();
  });
  beforeEach(async () => {
    await context.storage.query(
      'truncate heartbeats, events, event_keys, event_level_purges, alerts, runs, api_keys, flips, server_settings, server_instances, channels restart identity',
      [],
    );
    context.clock = new ManualClock(Date.UTC(2026, 0, 1, 12, 0, 0));
    const config = { ...ConfigSchema.parse({}), password: PASSWORD };
    options.configure?.(config);
    context.app = createApp({
      db: context.storage,
      clock: context.clock,
      config,
      log: options.log ?? silentLogger,
      guiDir: options.guiDir,
      sdk: options.sdk,
      feed: options.feed,
    });
  });
  context.call = async (method, path, body, headers = {}) => {
    const init: RequestInit = { method, headers: { password: PASSWORD, ...headers } };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      if (typeof body !== 'string') (init.headers as Record<string, string>)['content-type'] = 'application/json';
    }
    return context.app.request(path, init);
  };
  context.count = async (table) => {
    const [row] = await context.storage.query<{ n: number }>(`select count(*)::int as n from ${table}`, []);
    return row?.n ?? 0;
  };
  context.createKey = async (scope, name = `${scope} key`) => {
    const response = await context.call('POST', '/keys', { name, scope });
    if (response.status !== 200) throw new Error(`POST /keys answered ${response.status}: ${await response.text()}`);
    const { key, secret } = (await response.json()) as { key: { id: string }; secret: string };
    return { secret, id: key.id };
  };
  return context;
}
