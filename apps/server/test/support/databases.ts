import { cleanUpServers, createTestDatabase, temporaryFolder } from '@watchtower/test-support';
import { afterEach, beforeEach } from 'vitest';
import { openStorage, type Storage } from '../../src/db/client.js';

export const DATABASE_KINDS = ['pglite', 'postgres'] as const;
export type DatabaseKind = (typeof DATABASE_KINDS)[number];

/** A migrated, empty database of the given kind; `close` also removes it. */
export async function createTestStorage(kind: DatabaseKind): Promise<Storage & { url?: string }> {
  if (kind === 'pglite') {
    const storage = await openStorage({ kind: 'pglite', memory: true });
    await storage.migrate();
    return storage;
  }
  const database = await createTestDatabase();
  const storage = await openStorage({ kind: 'postgres', url: database.url, maxConnections: 4 });
  await storage.migrate();
  return {
    ...storage,
    url: database.url,
    close: async () => {
      await storage.close();
      await database.drop();
    },
  };
}

/**
 * Registers hooks that give each test the environment of a built server with data of its
 * own: a data folder, and on PostgreSQL a database of its own. After each test, its
 * servers are stopped and the database dropped.
 */
export function useServerData(kind: DatabaseKind): { env: Record<string, string> } {
  const context = { env: {} as Record<string, string> };
  let drop: (() => Promise<void>) | undefined;
  beforeEach(async () => {
    const database = kind === 'postgres' ? await createTestDatabase() : undefined;
    drop = database?.drop;
    context.env = { WATCHTOWER_DATA_DIR: temporaryFolder('watchtower-data-') };
    if (database) context.env.DATABASE_URL = database.url;
  });
  afterEach(async () => {
    await cleanUpServers();
    await drop?.();
  });
  return context;
}
