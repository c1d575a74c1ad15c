import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The SQL migrations folder, both from src/ (tests, tsx) and from the built dist/. */
export function migrationsFolder(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const candidate of [join(here, '../../drizzle'), join(here, '../drizzle')]) {
    if (existsSync(join(candidate, 'meta/_journal.json'))) return candidate;
  }
  throw new Error(`no migrations folder found near ${here}`);
}

// Any number: it only has to be the same in every process of this application.
export const MIGRATION_LOCK_KEY = 746_574_001;
