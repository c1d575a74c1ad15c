import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
export const DEFAULT_SERVER_ENTRY = join(ROOT, 'apps/server/dist/main.js');
export const RESULTS_FILE = join(ROOT, 'bench/RESULTS.md');
/** The no-storage pulse route (the ceiling baseline), and the package whose dependencies it loads. */
export const CEILING_SERVER = join(ROOT, 'bench/lib/ceiling-server.mjs');
export const SERVER_PACKAGE = join(ROOT, 'apps/server/package.json');
