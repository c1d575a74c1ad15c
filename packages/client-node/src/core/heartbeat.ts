import type { AlertType, Heartbeat } from '@watchtower/protocol';
import type { WatchtowerClient } from './client.js';
import { parseDuration, type Duration } from '@watchtower/protocol/vocabulary';
import { WatchtowerError } from './errors.js';

export interface HeartbeatOptions {
  service: string;
  /** How often to pulse: seconds, or `30s`, `5m`, `1h`. */
  every: Duration;
  alertType: AlertType;
  alertTarget: string;
  /**
   * Added to `every` to make each pulse's `nextIn`, so a late or failed pulse can be
   * retried before the server calls the service dead. Default: half of `every`, at least 30 s.
   */
  margin?: Duration | undefined;
  /** Called after each recorded pulse. */
  onPulse?: ((heartbeat: Heartbeat) => void) | undefined;
  /** Called when a pulse fails (the loop goes on). Default: a warning on the console. */
  onError?: ((error: WatchtowerError) => void) | undefined;
}

export interface HeartbeatLoop {
  /**
   * Stops pulsing, waits for a pulse in flight, then cancels the service on the server so
   * no alert follows (`{ cancel: false }` leaves it armed: its silence will then be alerted).
   */
  stop(options?: { cancel?: boolean }): Promise<void>;
}

// After a failure the next try comes sooner than `every`: 5 s, 10 s, 20 s … at most `every`.
const FIRST_RETRY_SECONDS = 5;

export function startHeartbeat(client: WatchtowerClient, options: HeartbeatOptions): HeartbeatLoop {
  const every = parseDuration(options.every, 'every');
  const margin = options.margin === undefined ? Math.max(every / 2, 30) : parseDuration(options.margin, 'margin');
  const report =
    options.onError ??
    ((error: WatchtowerError) => console.warn(`watchtower: the pulse of ${JSON.stringify(options.service)} failed: ${error.message}`));
  let stopped = false;
  let failures = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let inFlight: Promise<void> | undefined;

  const schedule = (seconds: number) => {
    if (stopped) return;
    timer = setTimeout(run, seconds * 1000);
    // In Node.js, a heartbeat reports on the process's life; it must not prolong it.
    (timer as { unref?: () => void }).unref?.();
  };

  const pulseOnce = async () => {
    let heartbeat: Heartbeat;
    try {
      heartbeat = await client.pulse({
        service: options.service,
        nextIn: every + margin,
        alertType: options.alertType,
        alertTarget: options.alertTarget,
      });
    } catch (error) {
      if (!(error instanceof WatchtowerError)) throw error;
      failures += 1;
      schedule(error.retryable ? Math.min(every, FIRST_RETRY_SECONDS * 2 ** (failures - 1)) : every);
      report(error);
      return;
    }
    failures = 0;
    schedule(every);
    options.onPulse?.(heartbeat);
  };

  function run() {
    timer = undefined;
    inFlight = pulseOnce()
      // A throwing callback (or a bug) must not end the loop nor become an unhandled rejection.
      .catch((error: unknown) => {
        console.error('watchtower: the heartbeat loop hit an unexpected error', error);
        if (timer === undefined) schedule(every);
      })
      .finally(() => {
        inFlight = undefined;
      });
  }

  run();
  return {
    async stop({ cancel = true } = {}) {
      if (stopped) return;
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      await inFlight;
      if (cancel) await client.cancel(options.service);
    },
  };
}
