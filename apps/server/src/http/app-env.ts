import type { KeyScope } from '@watchtower/protocol';
import type { Logger } from '../lib/logger.js';

/** What middleware puts on every request's context. */
export type AppEnv = {
  Variables: {
    requestId: string;
    log: Logger;
    /** What the caller's credentials allow (the password is admin); null on a route that takes none. */
    scope: KeyScope | null;
    /** The API key the caller used; null for the password or no credentials. */
    keyId: string | null;
  };
};
