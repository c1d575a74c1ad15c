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
  const names = readdirSync(ASSETS).filter((name) => name.endsWith('.js'));
  const scripts = names.map((name) => readFileSync(join(ASSETS, name)));
  // What index.html loads, and what it preloads: a page loaded when first opened is not part of a first visit.
  const html = readFileSync(join(ASSETS, '../index.html'), 'utf8');
  const loaded = names.filter((name) => html.includes(`/assets/${name}"`));

  it('imports the protocol vocabulary only, so zod stays out of the bundle', () => {
    expect(scripts.length).toBeGreaterThan(0);
    // zod 4 names its classes with these strings, which minification keeps.
    for (const script of scripts) expect(script.includes('$ZodType')).toBe(false);
  });

  it('keeps the script of a first visit under its size budget, gzipped', () => {
    expect(loaded.length).toBeGreaterThan(0);
    const gzipped = loaded.reduce((total, name) => total + gzipSync(readFileSync(join(ASSETS, name)), { level: 9 }).length, 0);
    expect(gzipped).toBeLessThan(BUDGET_BYTES);
  });
});
