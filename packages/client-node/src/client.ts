import { WatchtowerClient as CoreClient, type ClientOptions } from './core/client.js';

export interface WatchtowerOptions extends Partial<ClientOptions> {
  /** The server's base URL. Default: the `WATCHTOWER_URL` environment variable. */
  url?: string | undefined;
  /** The shared secret. Default: the `WATCHTOWER_PASSWORD` environment variable. */
  password?: string | undefined;
}

/**
 * The watchtower client for Node.js: the settings not given come from `WATCHTOWER_URL`
 * and `WATCHTOWER_PASSWORD`.
 */
export class WatchtowerClient extends CoreClient {
  constructor(options: WatchtowerOptions = {}) {
    const url = options.url ?? process.env.WATCHTOWER_URL;
    const password = options.password ?? process.env.WATCHTOWER_PASSWORD;
    if (!url) {
      throw new TypeError('watchtower: no server URL: pass { url } or set WATCHTOWER_URL, such as https://watchtower.example:4443');
    }
    if (!password) {
      throw new TypeError("watchtower: no password: pass { password } or set WATCHTOWER_PASSWORD to the server's password");
    }
    super({ ...options, url, password });
  }
}
