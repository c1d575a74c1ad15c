import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A folder shaped like the built dashboard (apps/gui/dist): a page and one hashed asset. */
export function createDashboardFolder(): string {
  const guiDir = mkdtempSync(join(tmpdir(), 'watchtower-gui-'));
  writeFileSync(join(guiDir, 'index.html'), '<!doctype html><title>watchtower dashboard</title>');
  mkdirSync(join(guiDir, 'assets'));
  writeFileSync(join(guiDir, 'assets', 'index-3f9a1c.js'), 'console.log("dashboard")');
  writeFileSync(join(guiDir, 'big.js'), 'x'.repeat(5000));
  return guiDir;
}
