import type { ReactNode } from 'react';
import {
  BOARD_SORTS,
  BOARD_STATUSES,
  CLASSIC_STATUSES,
  STATUS_WORDS,
  type BoardFilter,
  type BoardSort,
  type BoardStatus,
} from '../lib/heartbeat-status.js';
import { followLink, newServiceHref } from '../lib/router.js';
import { useSession } from '../live.js';
import { ReadOnlyNote } from './read-only-note.js';

export type BoardView = BoardFilter & { sort: BoardSort };

/** The page title with `actions` for admins, and a chip per status: its count, and a toggle that shows only those. */
export function BoardHead({
  view,
  counts,
  onToggle,
  actions,
}: {
  view: BoardView;
  counts: Record<BoardStatus, number>;
  onToggle: (status: BoardStatus) => void;
  actions?: ReactNode;
}) {
  const { canChange } = useSession();
  return (
    <div className="page-head">
      <div className="title-row">
        <h1 id="board-title">Heartbeats</h1>
        {canChange && (
          <a className="button primary" href={newServiceHref()} onClick={followLink}>
            New service
          </a>
        )}
        {canChange && actions}
      </div>
      <ReadOnlyNote action="Creating, snoozing or cancelling a service" />
      <div className="summary" role="group" aria-label="Show only services that are">
        {BOARD_STATUSES.filter((status) => CLASSIC_STATUSES.includes(status) || counts[status] > 0 || view.statuses.includes(status)).map(
          (status) => (
            <button
              key={status}
              type="button"
              className={`chip status-${status}`}
              aria-pressed={view.statuses.includes(status)}
              onClick={() => onToggle(status)}
              data-testid={`count-${status}`}
            >
              <strong>{counts[status]}</strong> {STATUS_WORDS[status]}
            </button>
          ),
        )}
      </div>
    </div>
  );
}

/** The name filter and the sort. */
export function BoardToolbar({ view, onChange }: { view: BoardView; onChange: (next: Partial<BoardView>) => void }) {
  return (
    <div className="toolbar">
      <label>
        <span>Name</span>
        <input type="search" value={view.text} placeholder="Filter by name" onChange={(event) => onChange({ text: event.target.value })} />
      </label>
      <label>
        <span>Sort by</span>
        <select value={view.sort} onChange={(event) => onChange({ sort: event.target.value as BoardSort })}>
          {Object.entries(BOARD_SORTS).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </label>
      {(view.text || view.statuses.length > 0) && (
        <button type="button" className="ghost" onClick={() => onChange({ text: '', statuses: [] })}>
          Show all
        </button>
      )}
    </div>
  );
}
