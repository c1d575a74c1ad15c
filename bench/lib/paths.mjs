import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
export const DEFAULT_SERVER_ENTRY = join(ROOT, 'apps/server/dist/main.js');
export const RESULTS_FILE = join(ROOT, 'bench/RESULTS.md');
