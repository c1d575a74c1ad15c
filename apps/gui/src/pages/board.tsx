import type { Heartbeat } from '@watchtower/protocol';
import { useEffect, useState } from 'react';
import { BoardHead, BoardToolbar, type BoardView } from '../components/board-controls.js';
import { BoardTable } from '../components/board-table.js';
import { CancelDialog } from '../components/cancel-dialog.js';
import { LoadError } from '../components/load-error.js';
import { SnoozeMany } from '../components/snooze-many.js';
import { StatesLegend } from '../components/states-legend.js';
import { useHeartbeats } from '../hooks/use-heartbeats.js';
import { serverAddress } from '../lib/api-url.js';
import {
  boardViewFromSearch,
  countByStatus,
  filterHeartbeats,
  searchFromBoardView,
  sortHeartbeats,
  type BoardStatus,
} from '../lib/heartbeat-status.js';
import { href, navigate } from '../lib/router.js';
import { useNow, useSession } from '../live.js';

/** The tab's title counts the dead services, so that a background tab shows them. */
function useDeadTitle(dead: number): void {
  useEffect(() => {
    document.title = dead > 0 ? `(${dead} dead) watchtower` : 'watchtower';
  }, [dead]);
  useEffect(
    () => () => {
      document.title = 'watchtower';
    },
    [],
  );
}

export function BoardPage({ search }: { search: string }) {
  const view = boardViewFromSearch(search);
  const now = useNow(500);
  const { heartbeats, error, reload, replace, updated } = useHeartbeats();
  const { canChange } = useSession();
  const [cancelling, setCancelling] = useState<Heartbeat | undefined>();

  const all = heartbeats ? [...heartbeats.values()] : [];
  const counts = countByStatus(all, now);
  const shown = sortHeartbeats(filterHeartbeats(all, view, now), view.sort, now);
  useDeadTitle(counts.dead);

  // Typing in the filter replaces the history entry instead of adding one per key.
  const setView = (next: Partial<BoardView>) => navigate(href('board', searchFromBoardView({ ...view, ...next })), { replace: true });
  const toggleStatus = (status: BoardStatus) =>
    setView({
      statuses: view.statuses.includes(status) ? view.statuses.filter((s) => s !== status) : [...view.statuses, status],
    });

  return (
    <section aria-labelledby="board-title">
      <BoardHead view={view} counts={counts} onToggle={toggleStatus} actions={all.length > 0 && <SnoozeMany heartbeats={all} />} />
      <BoardToolbar view={view} onChange={setView} />

      <LoadError what="heartbeats" error={error} onRetry={reload} />
      {!heartbeats && !error && <p className="muted">Loading…</p>}
      {heartbeats && all.length === 0 && <FirstPulse canChange={canChange} />}
      {heartbeats && all.length > 0 && shown.length === 0 && <p className="muted">No service matches this filter.</p>}
      {shown.length > 0 && <BoardTable heartbeats={shown} now={now} updated={updated} onCancel={canChange ? setCancelling : undefined} />}

      <StatesLegend />

      {cancelling && (
        <CancelDialog
          heartbeat={cancelling}
          onDone={(hb) => {
            if (hb) replace(hb);
            setCancelling(undefined);
          }}
        />
      )}
    </section>
  );
}

function FirstPulse({ canChange }: { canChange: boolean }) {
  return (
    <div className="card empty">
      <p>
        No service yet.{' '}
        {canChange ? (
          <>
            Create one with <strong>New service</strong> (it waits for its first signal), or send a pulse
          </>
        ) : (
          'Send a pulse'
        )}
        : a service appears here with its first one.
      </p>
      <pre>{`curl ${serverAddress()}/heartbeat -H "password: …" -H 'content-type: application/json' \\
  -d '{"service":"nightly-backup","alertType":"log","alertTarget":"ops","nextIn":3600}'`}</pre>
    </div>
  );
}
