import { formatAgo, formatDateTime } from '../lib/durations.js';
import { searchFromFilters, type EventFilters } from '../lib/event-filters.js';
import type { Listing } from '../lib/event-listing.js';
import { followLink, href } from '../lib/router.js';
import { LevelBadge } from './badges.js';

/** The events listed, and a button for the next page while there is one. */
export function EventsTable({
  listing,
  filters,
  now,
  loadingMore,
  onLoadMore,
}: {
  listing: Listing;
  filters: EventFilters;
  now: number;
  loadingMore: boolean;
  onLoadMore: () => void;
}) {
  return (
    <>
      <table className="grid events" aria-label="Events">
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Level</th>
            <th scope="col">Service</th>
            <th scope="col">Message</th>
          </tr>
        </thead>
        <tbody>
          {listing.events.map((event) => (
            <tr key={event.id} data-level={event.level} data-service={event.service}>
              <td data-label="Time" className="time" title={formatAgo(now - event.date)}>
                {formatDateTime(event.date)}
              </td>
              <td data-label="Level">
                <LevelBadge level={event.level} />
              </td>
              <td data-label="Service">
                <a
                  href={href('events', searchFromFilters({ ...filters, service: event.service }))}
                  onClick={followLink}
                  title={`Only events of ${event.service}`}
                >
                  {event.service}
                </a>
              </td>
              <td data-label="Message" className="message">
                {event.message}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="more">
        <span className="muted" data-testid="shown-count">
          {listing.events.length.toLocaleString('en')} {listing.events.length === 1 ? 'event' : 'events'} shown
          {listing.next ? '' : ', all that match'}
        </span>
        {listing.next && (
          <button type="button" onClick={onLoadMore} disabled={loadingMore}>
            {loadingMore ? 'Loading…' : 'Load more'}
          </button>
        )}
      </div>
    </>
  );
}
