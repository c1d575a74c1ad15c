import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

const ASSETS = resolve(dirname(fileURLToPath(import.meta.url)), '../dist/assets');
/** What a first visit downloads of script, gzipped; zod alone would add about 30 KB. */
const BUDGET_BYTES = 100 * 1024;

describe('the built dashboard', () => {
  if (!existsSync(ASSETS)) throw new Error(`${ASSETS} is missing: build first (node scripts/workspace.mjs build)`);
  const scripts = readdirSync(ASSETS)
    .filter((name) => name.endsWith('.js'))
    .map((name) => readFileSync(join(ASSETS, name)));

  it('imports the protocol vocabulary only, so zod stays out of the bundle', () => {
    expect(scripts.length).toBeGreaterThan(0);
    // zod 4 names its classes with these strings, which minification keeps.
    for (const script of scripts) expect(script.includes('$ZodType')).toBe(false);
  });

  it('keeps its script under its size budget, gzipped', () => {
    const gzipped = scripts.reduce((total, script) => total + gzipSync(script, { level: 9 }).length, 0);
    expect(gzipped).toBeLessThan(BUDGET_BYTES);
  });
});
