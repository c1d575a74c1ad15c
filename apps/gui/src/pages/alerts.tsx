import { useEffect, useState, type FormEvent } from 'react';
import { AlertsTable } from '../components/alerts-table.js';
import { LoadError } from '../components/load-error.js';
import { useAlerts } from '../hooks/use-alerts.js';
import { ALERTS_SHOWN } from '../lib/alert-listing.js';
import { href, navigate } from '../lib/router.js';
import { useNow } from '../live.js';

/** Recent alerts and how their delivery went. */
export function AlertsPage({ search }: { search: string }) {
  const service = new URLSearchParams(search).get('service') ?? '';
  const { data: alerts, error, reload } = useAlerts(service);
  const [draft, setDraft] = useState(service);
  const now = useNow(1_000);

  useEffect(() => setDraft(service), [service]);

  function submit(event: FormEvent) {
    event.preventDefault();
    const trimmed = draft.trim();
    navigate(href('alerts', trimmed ? `?service=${encodeURIComponent(trimmed)}` : ''));
  }

  return (
    <section aria-labelledby="alerts-title">
      <div className="page-head">
        <h1 id="alerts-title">Alerts</h1>
        <p className="muted">The latest {ALERTS_SHOWN} alerts and their delivery; failed attempts are retried for 24 hours.</p>
      </div>
      <form className="toolbar" onSubmit={submit} role="search" aria-label="Filter alerts">
        <label>
          <span>Service</span>
          <input type="search" value={draft} placeholder="any" onChange={(event) => setDraft(event.target.value)} />
        </label>
        <button type="submit">Filter</button>
      </form>
      <LoadError what="alerts" error={error} onRetry={reload} />
      {!alerts && !error && <p className="muted">Loading…</p>}
      {alerts && alerts.length === 0 && <p className="muted">No alert yet{service ? ` for ${service}` : ''}.</p>}
      {alerts && alerts.length > 0 && <AlertsTable alerts={alerts} now={now} />}
    </section>
  );
}
