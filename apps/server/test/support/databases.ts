import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { openStorage, type Storage } from '../../src/db/client.js';

export const DATABASE_KINDS = ['pglite', 'postgres'] as const;
export type DatabaseKind = (typeof DATABASE_KINDS)[number];

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/** A PostgreSQL database of its own for one test file, dropped by the returned function. */
export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `watchtower_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database "${name}"`);
  } catch (error) {
    await admin.end();
    throw new Error(`PostgreSQL at ${TEST_DATABASE_URL} is needed by these tests and did not answer: ${(error as Error).message}`);
  }
  return {
    url: withDatabase(TEST_DATABASE_URL, name),
    drop: async () => {
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end();
    },
  };
}

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
