import type { Logger } from '../lib/logger.js';

/** What middleware puts on every request's context. */
export type AppEnv = {
  Variables: {
    requestId: string;
    log: Logger;
  };
};
