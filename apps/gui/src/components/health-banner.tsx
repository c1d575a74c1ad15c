import type { HealthResponse } from '@watchtower/protocol';
import { useEffect, useState } from 'react';
import { apiUrl } from '../lib/api-url.js';
import { formatTime } from '../lib/durations.js';
import { followLink, href } from '../lib/router.js';

/** How often the dashboard asks the server whether it can do its job. */
const HEALTH_EVERY_MS = 5_000;

/** The server's own health, from /healthz; undefined until the first answer or when it cannot be reached. */
function useServerHealth(): HealthResponse | undefined {
  const [health, setHealth] = useState<HealthResponse | undefined>();
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const controller = new AbortController();
    const check = async () => {
      try {
        const response = await fetch(apiUrl('/healthz'), { cache: 'no-store', signal: controller.signal });
        const answer = (await response.json()) as HealthResponse;
        if (!stopped) setHealth(answer);
      } catch {
        // Unreachable: the live connection's own banner says so.
        if (!stopped) setHealth(undefined);
      }
      if (!stopped) timer = setTimeout(() => void check(), HEALTH_EVERY_MS);
    };
    void check();
    return () => {
      stopped = true;
      controller.abort();
      clearTimeout(timer);
    };
  }, []);
  return health;
}

/**
 * Says so when the server cannot do its job (a loop failing, the database unusable): then
 * deaths may go unnoticed and alerts undelivered. Also counts the alerts given up today.
 */
export function HealthBanner() {
  const health = useServerHealth();
  if (!health) return null;
  if (health.status !== 'ok') {
    return (
      <div className="health-banner" role="alert" data-testid="health-banner">
        <strong>The server cannot do its job:</strong>{' '}
        {(health.failing ?? [])
          .map((problem) => `${problem.part} failing since ${formatTime(problem.since)} (${problem.error})`)
          .join('; ') || 'it reports itself unavailable'}
        . Deaths may go unnoticed and alerts undelivered until this is fixed.
      </div>
    );
  }
  if (health.failedAlerts24h) {
    return (
      <div className="health-banner health-banner-warning" role="status" data-testid="health-banner">
        {health.failedAlerts24h === 1 ? 'One alert' : `${health.failedAlerts24h} alerts`} could not be delivered in the last 24 hours.{' '}
        <a href={href('alerts')} onClick={followLink}>
          See the deliveries
        </a>
      </div>
    );
  }
  return null;
}
