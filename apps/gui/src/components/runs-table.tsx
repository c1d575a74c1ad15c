import { formatAgo, formatDateTime } from '../lib/durations.js';
import { OUTCOME_WORDS, runDurationWords, type RunListing } from '../lib/service-details.js';

/** A service's runs, newest first, and a button for the next page while there is one. */
export function RunsTable({
  listing,
  now,
  loadingMore,
  onLoadMore,
}: {
  listing: RunListing;
  now: number;
  loadingMore: boolean;
  onLoadMore: () => void;
}) {
  return (
    <>
      <table className="grid runs" aria-label="Runs">
        <thead>
          <tr>
            <th scope="col">Started</th>
            <th scope="col">Duration</th>
            <th scope="col">Outcome</th>
            <th scope="col">Exit code</th>
            <th scope="col">Message</th>
          </tr>
        </thead>
        <tbody>
          {listing.runs.map((run) => (
            <tr key={run.id} data-run={run.id} data-outcome={run.outcome}>
              <td data-label="Started" className="time" title={run.started === null ? undefined : formatAgo(now - run.started)}>
                {run.started === null ? <span className="muted">no start signal</span> : formatDateTime(run.started)}
              </td>
              <td data-label="Duration" className="time">
                {runDurationWords(run, now)}
              </td>
              <td data-label="Outcome">
                <span className={`badge outcome-${run.outcome}`}>{OUTCOME_WORDS[run.outcome]}</span>
              </td>
              <td data-label="Exit code">{run.exitCode ?? <span className="muted">—</span>}</td>
              <td data-label="Message" className="message">
                {run.message ?? ''}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="more">
        <span className="muted" data-testid="runs-count">
          {listing.runs.length} {listing.runs.length === 1 ? 'run' : 'runs'} shown{listing.next ? '' : ', all there are'}
        </span>
        {listing.next && (
          <button type="button" onClick={onLoadMore} disabled={loadingMore}>
            {loadingMore ? 'Loading…' : 'Load more runs'}
          </button>
        )}
      </div>
    </>
  );
}
