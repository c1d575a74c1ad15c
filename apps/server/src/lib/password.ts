import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The shared secret when none is configured: read from the data folder, or made on
 * the first start and stored there (readable by the owner alone). `created` says
 * whether it was made now, so that it is shown once.
 */
export function storedPassword(dataDir: string): { password: string; file: string; created: boolean } {
  const file = join(dataDir, 'password');
  if (existsSync(file)) {
    const password = readFileSync(file, 'utf8').trim();
    if (password.length > 0) return { password, file, created: false };
  }
  mkdirSync(dataDir, { recursive: true });
  const password = randomBytes(24).toString('base64url');
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  return { password, file, created: true };
}
