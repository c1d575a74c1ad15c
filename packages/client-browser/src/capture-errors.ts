import type { Level, WatchtowerClient } from '@watchtower/client-node/core';
import { keepHead } from './cut-text.js';
import { createRateLimiter } from './rate-limit.js';

export interface CaptureErrorsOptions {
  /** The service the events are recorded for, such as `shop-frontend`. */
  service: string;
  /** Default `error`. */
  level?: Level | undefined;
  /** Reports sent at once before the limit applies. Default 5. */
  burst?: number | undefined;
  /** Reports a minute after the burst. Default 6. Errors beyond are counted, and the count is sent with the next report. */
  perMinute?: number | undefined;
}

const MAX_MESSAGE = 10_000;

function describeReason(reason: unknown): string {
  if (reason instanceof Error)
    return reason.stack?.includes(reason.message) ? reason.stack : `${reason.name}: ${reason.message}\n${reason.stack ?? ''}`;
  try {
    return typeof reason === 'string' ? reason : (JSON.stringify(reason) ?? String(reason));
  } catch {
    // Circular or otherwise unserializable: its tag is all that can be said.
    return Object.prototype.toString.call(reason);
  }
}

/**
 * Records uncaught errors and unhandled promise rejections of this page as events of
 * `service`, at most `burst` at once and `perMinute` after that. Answers a function that
 * stops it.
 */
export function captureErrors(client: WatchtowerClient, options: CaptureErrorsOptions): () => void {
  const allow = createRateLimiter(options.burst ?? 5, options.perMinute ?? 6);
  let dropped = 0;

  const report = (text: string) => {
    if (!allow()) {
      dropped += 1;
      return;
    }
    const note = dropped ? `\n(${dropped} more errors were not reported: too many at once)` : '';
    dropped = 0;
    // The error's text gives way first, so that the page and the count of dropped errors stay.
    const context = `\npage: ${location.href}${note}`;
    const message = keepHead(`${keepHead(text.trim(), MAX_MESSAGE - context.length)}${context}`, MAX_MESSAGE);
    client.addEvent({ service: options.service, level: options.level ?? 'error', message }).catch((error: unknown) => {
      // Reporting must never raise errors of its own (that could loop); it says so, once, in the console.
      console.warn('watchtower: an error of this page could not be reported', error);
    });
  };

  const onError = (event: ErrorEvent) => {
    const stack = event.error instanceof Error ? describeReason(event.error) : '';
    report(stack || `${event.message}\n    at ${event.filename}:${event.lineno}:${event.colno}`);
  };
  const onRejection = (event: PromiseRejectionEvent) => report(`Unhandled rejection: ${describeReason(event.reason)}`);

  addEventListener('error', onError);
  addEventListener('unhandledrejection', onRejection);
  return () => {
    removeEventListener('error', onError);
    removeEventListener('unhandledrejection', onRejection);
  };
}
