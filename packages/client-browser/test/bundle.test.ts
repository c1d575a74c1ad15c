import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

const read = (file: string) => readFileSync(new URL(`../dist/${file}`, import.meta.url));

describe('the built files', () => {
  it('keep the <script> bundle under 6 KB minified and gzipped', () => {
    expect(gzipSync(read('watchtower.min.js'), { level: 9 }).length).toBeLessThan(6 * 1024);
  });

  it.each(['watchtower.min.js', 'index.js'])('carry no schema code in %s', (file) => {
    const text = read(file).toString('utf8');
    expect(text).not.toMatch(/\bzod\b|ZodError/);
    expect(text).not.toContain('@watchtower/protocol');
  });

  it('import nothing at run time', () => {
    expect(read('index.js').toString('utf8')).not.toMatch(/^\s*import\s|\brequire\(/m);
  });
});
