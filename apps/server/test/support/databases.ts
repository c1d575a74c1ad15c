import { createTestDatabase } from '@watchtower/test-support';
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
