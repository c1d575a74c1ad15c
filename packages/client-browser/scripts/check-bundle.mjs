// Run after the build: the <script> bundle must stay under its size budget (minified and
// gzipped), and no schema code (zod) may have been bundled into either build.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

// 6 KB: the client has grown the calls for runs, history, snoozes and the event export.
const BUDGET = 6 * 1024;
const dist = new URL('../dist/', import.meta.url);
const script = readFileSync(new URL('watchtower.min.js', dist));
const gzipped = gzipSync(script, { level: 9 }).length;

console.log(`watchtower.min.js: ${script.length} bytes minified, ${gzipped} bytes minified+gzipped (budget ${BUDGET})`);
let failed = false;
if (gzipped > BUDGET) {
  console.error(`check-bundle: watchtower.min.js is ${gzipped - BUDGET} bytes over its ${BUDGET}-byte budget (minified+gzipped)`);
  failed = true;
}
for (const file of ['watchtower.min.js', 'index.js']) {
  const text = readFileSync(new URL(file, dist), 'utf8');
  if (/\bzod\b|ZodError|@watchtower\/protocol/.test(text)) {
    console.error(`check-bundle: ${file} contains schema code (zod or @watchtower/protocol); import only types from the protocol`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
