import type { Heartbeat, StreamChange } from '@watchtower/protocol';
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from '../lib/api.js';
import { formatAgo, formatCountdown, formatDateTime, formatDuration } from '../lib/durations.js';
import {
  BOARD_SORTS,
  BOARD_STATUSES,
  LATE_MAX_SECONDS,
  LATE_SHARE,
  STATUS_WORDS,
  boardStatus,
  boardViewFromSearch,
  countByStatus,
  filterHeartbeats,
  searchFromBoardView,
  sortHeartbeats,
  type BoardSort,
  type BoardStatus,
} from '../lib/heartbeat-status.js';
import { followLink, href, navigate } from '../lib/router.js';
import { useChanges, useNow, useReloads, useSession } from '../live.js';
import { StatusBadge } from './badges.js';
import { ConfirmDialog } from './confirm-dialog.js';

type Heartbeats = ReadonlyMap<string, Heartbeat>;

/** A stream change applied to the board's heartbeats. */
export function applyChange(heartbeats: Heartbeats, change: StreamChange): Heartbeats {
  if (change.type === 'heartbeat') {
    return new Map(heartbeats).set(change.heartBeat.service, change.heartBeat);
  }
  if (change.type === 'heartbeat.dead') {
    const known = heartbeats.get(change.service);
    if (!known) return heartbeats;
    return new Map(heartbeats).set(change.service, { ...known, status: 'dead', alerted: true });
  }
  return heartbeats;
}

export function Board({ search }: { search: string }) {
  const { api } = useSession();
  const view = boardViewFromSearch(search);
  const now = useNow(500);
  const [heartbeats, setHeartbeats] = useState<Heartbeats | undefined>();
  const [loadError, setLoadError] = useState<string | undefined>();
  const [updated, setUpdated] = useState<ReadonlyMap<string, number>>(new Map());
  const [cancelling, setCancelling] = useState<Heartbeat | undefined>();
  // Changes that arrive while a reload is on its way are applied again on top of its answer.
  const duringLoad = useRef<StreamChange[] | undefined>(undefined);

  const load = useCallback(async () => {
    duringLoad.current = [];
    try {
      const answer = await api.heartbeats();
      let fresh: Heartbeats = new Map(answer.heartBeats.map((hb) => [hb.service, hb]));
      for (const change of duringLoad.current ?? []) fresh = applyChange(fresh, change);
      setHeartbeats(fresh);
      setLoadError(undefined);
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 401)) setLoadError(error instanceof Error ? error.message : String(error));
    } finally {
      duringLoad.current = undefined;
    }
  }, [api]);

  useEffect(() => {
    void load();
  }, [load]);
  useReloads(() => void load());
  useChanges((change) => {
    if (change.type !== 'heartbeat' && change.type !== 'heartbeat.dead') return;
    duringLoad.current?.push(change);
    setHeartbeats((current) => (current ? applyChange(current, change) : current));
    const service = change.type === 'heartbeat' ? change.heartBeat.service : change.service;
    setUpdated((current) => new Map(current).set(service, Date.now()));
  });

  const all = heartbeats ? [...heartbeats.values()] : [];
  const counts = countByStatus(all, now);
  const shown = sortHeartbeats(filterHeartbeats(all, view, now), view.sort, now);

  useEffect(() => {
    document.title = counts.dead > 0 ? `(${counts.dead} dead) watchtower` : 'watchtower';
  }, [counts.dead]);
  useEffect(() => () => void (document.title = 'watchtower'), []);

  const setView = (next: Partial<typeof view>, replace = true) =>
    navigate(href('board', searchFromBoardView({ ...view, ...next })), { replace });
  const toggleStatus = (status: BoardStatus) =>
    setView({
      statuses: view.statuses.includes(status) ? view.statuses.filter((s) => s !== status) : [...view.statuses, status],
    });

  return (
    <section aria-labelledby="board-title">
      <div className="page-head">
        <h1 id="board-title">Heartbeats</h1>
        <div className="summary" role="group" aria-label="Show only services that are">
          {BOARD_STATUSES.map((status) => (
            <button
              key={status}
              type="button"
              className={`chip status-${status}`}
              aria-pressed={view.statuses.includes(status)}
              onClick={() => toggleStatus(status)}
              data-testid={`count-${status}`}
            >
              <strong>{counts[status]}</strong> {STATUS_WORDS[status]}
            </button>
          ))}
        </div>
      </div>

      <div className="toolbar">
        <label>
          <span>Name</span>
          <input
            type="search"
            value={view.text}
            placeholder="Filter by name"
            onChange={(event) => setView({ text: event.target.value })}
          />
        </label>
        <label>
          <span>Sort by</span>
          <select value={view.sort} onChange={(event) => setView({ sort: event.target.value as BoardSort })}>
            {Object.entries(BOARD_SORTS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        {(view.text || view.statuses.length > 0) && (
          <button type="button" className="ghost" onClick={() => setView({ text: '', statuses: [] })}>
            Show all
          </button>
        )}
      </div>

      {loadError && (
        <p className="error" role="alert">
          Could not load the heartbeats: {loadError}.{' '}
          <button type="button" className="link" onClick={() => void load()}>
            Try again
          </button>
        </p>
      )}
      {!heartbeats && !loadError && <p className="muted">Loading…</p>}
      {heartbeats && all.length === 0 && (
        <div className="card empty">
          <p>No service has pulsed yet. A service appears here with its first pulse:</p>
          <pre>{`curl ${window.location.origin}/heartbeat -H "password: …" -H 'content-type: application/json' \\
  -d '{"service":"nightly-backup","alertType":"log","alertTarget":"ops","nextIn":3600}'`}</pre>
        </div>
      )}
      {heartbeats && all.length > 0 && shown.length === 0 && <p className="muted">No service matches this filter.</p>}

      {shown.length > 0 && (
        <table className="grid board" aria-label="Services">
          <thead>
            <tr>
              <th scope="col">Service</th>
              <th scope="col">Status</th>
              <th scope="col">Last pulse</th>
              <th scope="col">Deadline</th>
              <th scope="col">nextIn</th>
              <th scope="col">Alerts to</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {shown.map((hb) => {
              const status = boardStatus(hb, now);
              const changedAt = updated.get(hb.service);
              return (
                <tr
                  key={hb.service}
                  className={`row-${status}${changedAt && Date.now() - changedAt < 1500 ? ' updated' : ''}`}
                  data-service={hb.service}
                  data-status={status}
                >
                  <th scope="row" data-label="Service">
                    <a
                      className="service-name"
                      href={href('events', `?service=${encodeURIComponent(hb.service)}`)}
                      onClick={followLink}
                      title={`Events of ${hb.service}`}
                    >
                      {hb.service}
                    </a>
                  </th>
                  <td data-label="Status">
                    <span>
                      <StatusBadge status={status} />
                      {status === 'dead' && hb.alerted && <span className="muted small"> alerted</span>}
                    </span>
                  </td>
                  <td data-label="Last pulse" title={formatDateTime(hb.last)}>
                    {formatAgo(now - hb.last)}
                  </td>
                  <td data-label="Deadline" title={formatDateTime(hb.expected)} className="countdown">
                    {status === 'cancelled' ? (
                      <span className="muted">none</span>
                    ) : (
                      // The server may call it dead a tick before this page's clock passes the deadline.
                      formatCountdown(status === 'dead' ? Math.min(hb.expected - now, -Number.EPSILON) : hb.expected - now)
                    )}
                  </td>
                  <td data-label="nextIn" title={`${hb.nextIn} s`}>
                    {formatDuration(hb.nextIn)}
                  </td>
                  <td data-label="Alerts to" className="target">
                    <span>
                      <span className="channel">{hb.alertType}</span>{' '}
                      <span className="target-text" title={hb.alertTarget}>
                        {hb.alertTarget}
                      </span>
                    </span>
                  </td>
                  <td className="actions">
                    {status !== 'cancelled' && (
                      <button
                        type="button"
                        className="small-button"
                        onClick={() => setCancelling(hb)}
                        aria-label={`Cancel ${hb.service}`}
                      >
                        Cancel…
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}

      <details className="legend">
        <summary>What the states mean</summary>
        <dl>
          <dt>
            <StatusBadge status="alive" />
          </dt>
          <dd>pulsed in time; its deadline is the last pulse plus its nextIn.</dd>
          <dt>
            <StatusBadge status="late" />
          </dt>
          <dd>
            alive, but less than {LATE_SHARE * 100} % of its nextIn (and at most {formatDuration(LATE_MAX_SECONDS)}) is left
            before its deadline.
          </dd>
          <dt>
            <StatusBadge status="dead" />
          </dt>
          <dd>past its deadline without a pulse; its owner is alerted once ("alerted"), and again when it pulses.</dd>
          <dt>
            <StatusBadge status="cancelled" />
          </dt>
          <dd>no longer expected: no alert; its next pulse arms it again.</dd>
        </dl>
      </details>

      {cancelling && (
        <CancelDialog
          heartbeat={cancelling}
          onDone={(hb) => {
            if (hb) setHeartbeats((current) => (current ? new Map(current).set(hb.service, hb) : current));
            setCancelling(undefined);
          }}
        />
      )}
    </section>
  );
}

function CancelDialog({ heartbeat, onDone }: { heartbeat: Heartbeat; onDone: (hb: Heartbeat | null) => void }) {
  const { api } = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  async function confirm() {
    setBusy(true);
    try {
      const answer = await api.cancel(heartbeat.service);
      onDone(answer.heartBeat);
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
      setBusy(false);
    }
  }
  return (
    <ConfirmDialog
      title={`Cancel ${heartbeat.service}?`}
      confirmLabel="Cancel service"
      cancelLabel="Keep watching"
      busy={busy}
      onConfirm={() => void confirm()}
      onClose={() => onDone(null)}
    >
      <p>
        watchtower stops expecting <strong>{heartbeat.service}</strong>: no alert is sent when it stays silent. Its next
        pulse arms it again.
      </p>
      {error && (
        <p className="error" role="alert">
          Could not cancel: {error}.
        </p>
      )}
    </ConfirmDialog>
  );
}
