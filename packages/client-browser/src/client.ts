import { WatchtowerClient as CoreClient } from '@watchtower/client-node/core';
import { captureErrors, type CaptureErrorsOptions } from './capture-errors.js';

/**
 * The watchtower client for browsers. The password is visible to anyone who can open
 * the page: use it on pages of your own people, or behind a proxy that adds it.
 */
export class WatchtowerClient extends CoreClient {
  /**
   * Records this page's uncaught errors and unhandled rejections as events of `service`,
   * rate-limited. Answers a function that stops it.
   */
  captureErrors(options: CaptureErrorsOptions): () => void {
    return captureErrors(this, options);
  }
}
