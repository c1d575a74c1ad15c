import { formatAgo, formatDateTime } from '../lib/durations.js';
import type { Listing } from '../lib/event-listing.js';
import { LevelBadge } from './badges.js';

/** A service's events, newest first: what it logged and what the server recorded about it. */
export function SignalLog({
  listing,
  now,
  loadingMore,
  onLoadMore,
}: {
  listing: Listing;
  now: number;
  loadingMore: boolean;
  onLoadMore: () => void;
}) {
  return (
    <>
      <table className="grid signal-log" aria-label="Signal log">
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Level</th>
            <th scope="col">Message</th>
          </tr>
        </thead>
        <tbody>
          {listing.events.map((event) => (
            <tr key={event.id} data-level={event.level}>
              <td data-label="Time" className="time" title={formatAgo(now - event.date)}>
                {formatDateTime(event.date)}
              </td>
              <td data-label="Level">
                <LevelBadge level={event.level} />
              </td>
              <td data-label="Message" className="message">
                {event.message}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {listing.next && (
        <div className="more">
          <span />
          <button type="button" onClick={onLoadMore} disabled={loadingMore}>
            {loadingMore ? 'Loading…' : 'Load more of the log'}
          </button>
        </div>
      )}
    </>
  );
}
