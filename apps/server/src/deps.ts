import type { Config } from './config.js';
import type { Storage } from './db/client.js';
import type { Clock } from './lib/clock.js';
import type { Logger } from './lib/logger.js';

/** Everything the app needs from outside; tests pass their own. */
export interface AppDeps {
  db: Storage;
  clock: Clock;
  config: Config & { password: string };
  log: Logger;
  /** Folder of the built dashboard, served at /gui. */
  guiDir?: string | undefined;
}
