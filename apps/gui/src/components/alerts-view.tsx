import type { AlertDelivery } from '@watchtower/protocol';
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { formatAgo, formatDateTime, formatDuration } from '../lib/durations.js';
import { href, navigate } from '../lib/router.js';
import { useChanges, useNow, useReloads, useSession } from '../live.js';
import { AlertStatusBadge } from './badges.js';

const LIMIT = 100;
const KIND_WORDS: Record<AlertDelivery['kind'], string> = { down: 'down', recovered: 'recovered', event: 'event' };

/** Recent alerts and how their delivery went. */
export function AlertsView({ search }: { search: string }) {
  const { api } = useSession();
  const service = new URLSearchParams(search).get('service') ?? '';
  const [alerts, setAlerts] = useState<AlertDelivery[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [draft, setDraft] = useState(service);
  const now = useNow(1_000);

  const load = useCallback(async () => {
    const query = new URLSearchParams({ limit: String(LIMIT) });
    if (service) query.set('service', service);
    try {
      setAlerts((await api.alerts(query.toString())).alerts);
      setError(undefined);
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    }
  }, [api, service]);

  useEffect(() => {
    setDraft(service);
    void load();
  }, [load, service]);
  useReloads(() => void load());
  useChanges((change) => {
    if (change.type !== 'alert' || (service && change.alert.service !== service)) return;
    setAlerts((current) => {
      if (!current) return current;
      const rest = current.filter((alert) => alert.id !== change.alert.id);
      return [change.alert, ...rest].sort((a, b) => b.created - a.created).slice(0, LIMIT);
    });
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    const trimmed = draft.trim();
    navigate(href('alerts', trimmed ? `?service=${encodeURIComponent(trimmed)}` : ''));
  }

  return (
    <section aria-labelledby="alerts-title">
      <div className="page-head">
        <h1 id="alerts-title">Alerts</h1>
        <p className="muted">The latest {LIMIT} alerts and their delivery; failed attempts are retried for 24 hours.</p>
      </div>
      <form className="toolbar" onSubmit={submit} role="search" aria-label="Filter alerts">
        <label>
          <span>Service</span>
          <input type="search" value={draft} placeholder="any" onChange={(event) => setDraft(event.target.value)} />
        </label>
        <button type="submit">Filter</button>
      </form>
      {error && (
        <p className="error" role="alert">
          Could not load the alerts: {error}.
        </p>
      )}
      {!alerts && !error && <p className="muted">Loading…</p>}
      {alerts && alerts.length === 0 && <p className="muted">No alert yet{service ? ` for ${service}` : ''}.</p>}
      {alerts && alerts.length > 0 && (
        <table className="grid alerts" aria-label="Alerts">
          <thead>
            <tr>
              <th scope="col">Raised</th>
              <th scope="col">Service</th>
              <th scope="col">Kind</th>
              <th scope="col">Channel</th>
              <th scope="col">Target</th>
              <th scope="col">Delivery</th>
              <th scope="col">Attempts</th>
              <th scope="col">Last error</th>
            </tr>
          </thead>
          <tbody>
            {alerts.map((alert) => (
              <tr key={alert.id} data-alert={alert.id} data-status={alert.status}>
                <td data-label="Raised" className="time" title={formatDateTime(alert.created)}>
                  {formatAgo(now - alert.created)}
                </td>
                <td data-label="Service">{alert.service}</td>
                <td data-label="Kind">
                  <span className={`kind kind-${alert.kind}`}>{KIND_WORDS[alert.kind]}</span>
                </td>
                <td data-label="Channel">{alert.channel}</td>
                <td data-label="Target" className="target">
                  <span className="target-text" title={alert.target}>
                    {alert.target}
                  </span>
                </td>
                <td data-label="Delivery">
                  <span>
                  <AlertStatusBadge status={alert.status} />
                  <span className="muted small">
                    {alert.status === 'sent' && alert.sent !== null && ` ${formatAgo(now - alert.sent)}`}
                    {alert.status === 'superseded' && ' recovered first'}
                    {alert.status === 'pending' &&
                      alert.nextAttempt !== null &&
                      ` next try ${alert.nextAttempt > now ? `in ${formatDuration(alert.nextAttempt - now)}` : 'now'}`}
                  </span>
                  </span>
                </td>
                <td data-label="Attempts">{alert.attempts}</td>
                <td data-label="Last error" className="message">
                  {alert.lastError ?? <span className="muted">none</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
