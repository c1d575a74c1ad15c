import type { Heartbeat } from '@watchtower/protocol';
import { useEffect } from 'react';
import { StatusBadge } from '../components/badges.js';
import { LoadError } from '../components/load-error.js';
import { PingUrls } from '../components/ping-urls.js';
import { StatusBadgeUrl } from '../components/status-badge-url.js';
import { RunsTable } from '../components/runs-table.js';
import { ServiceActions } from '../components/service-actions.js';
import { ServiceHistory } from '../components/service-history.js';
import { SignalLog } from '../components/signal-log.js';
import { ServiceSummary } from '../components/service-summary.js';
import { useRuns, useService, useServiceEvents } from '../hooks/use-service.js';
import { boardStatus } from '../lib/heartbeat-status.js';
import { followLink, href, navigate } from '../lib/router.js';
import { useNow } from '../live.js';

/** One service: its state and settings, its ping URLs, its history and uptime, its runs and its signal log. */
export function ServicePage({ service }: { service: string }) {
  const { data: hb, error, reload, replace } = useService(service);
  const now = useNow(1_000);
  useEffect(() => {
    document.title = `${service} · watchtower`;
    return () => {
      document.title = 'watchtower';
    };
  }, [service]);

  return (
    <section aria-labelledby="service-title">
      <BackToBoard />
      <div className="page-head">
        <h1 id="service-title" className="service-title">
          {service} {hb && <StatusBadge status={boardStatus(hb, now)} />}
        </h1>
        {hb && <ServiceActions heartbeat={hb} now={now} onChanged={replace} onDeleted={() => navigate(href('board'))} />}
      </div>
      <LoadError what="service" error={error} onRetry={reload} />
      {hb === undefined && !error && <p className="muted">Loading…</p>}
      {hb === null && <UnknownService service={service} />}
      {hb && <ServiceDetails heartbeat={hb} now={now} />}
    </section>
  );
}

function BackToBoard() {
  return (
    <p className="back">
      <a href={href('board')} onClick={followLink}>
        ← Heartbeats
      </a>
    </p>
  );
}

function UnknownService({ service }: { service: string }) {
  return (
    <div className="card empty" data-testid="unknown-service">
      <p>
        There is no service named <strong>{service}</strong>: it was deleted, or has never pulsed nor been created.
      </p>
    </div>
  );
}

function ServiceDetails({ heartbeat: hb, now }: { heartbeat: Heartbeat; now: number }) {
  return (
    <>
      <div className="service-grid">
        <section className="card panel" aria-labelledby="settings-title">
          <h2 id="settings-title">State and settings</h2>
          <ServiceSummary heartbeat={hb} now={now} />
        </section>
        <section className="card panel" aria-labelledby="ping-title">
          <h2 id="ping-title">Ping URLs</h2>
          <PingUrls heartbeat={hb} />
          <StatusBadgeUrl heartbeat={hb} />
        </section>
      </div>
      <ServiceHistory heartbeat={hb} now={now} />
      <RunsSection service={hb.service} now={now} />
      <SignalLogSection service={hb.service} now={now} />
    </>
  );
}

function RunsSection({ service, now }: { service: string; now: number }) {
  const { data, error, reload, loadMore, loadingMore } = useRuns(service);
  return (
    <section className="block" aria-labelledby="runs-title">
      <h2 id="runs-title">Runs</h2>
      <LoadError what="runs" error={error} onRetry={reload} />
      {!data && !error && <p className="muted">Loading…</p>}
      {data && data.runs.length === 0 && (
        <p className="muted" data-testid="no-runs">
          No run yet. A run starts with a signal to the start URL and ends with a success or a failure.
        </p>
      )}
      {data && data.runs.length > 0 && <RunsTable listing={data} now={now} loadingMore={loadingMore} onLoadMore={() => void loadMore()} />}
    </section>
  );
}

function SignalLogSection({ service, now }: { service: string; now: number }) {
  const { data, error, reload, loadMore, loadingMore } = useServiceEvents(service);
  return (
    <section className="block" aria-labelledby="log-title">
      <div className="section-head">
        <h2 id="log-title">Signal log</h2>
        <a href={href('events', `?service=${encodeURIComponent(service)}`)} onClick={followLink}>
          All its events in the explorer
        </a>
      </div>
      <LoadError what="signal log" error={error} onRetry={reload} />
      {!data && !error && <p className="muted">Loading…</p>}
      {data && data.events.length === 0 && <p className="muted">Nothing logged yet.</p>}
      {data && data.events.length > 0 && (
        <SignalLog listing={data} now={now} loadingMore={loadingMore} onLoadMore={() => void loadMore()} />
      )}
    </section>
  );
}
