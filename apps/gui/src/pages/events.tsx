import { ChartCard } from '../components/chart-card.js';
import { FilterForm } from '../components/event-filter-form.js';
import { EventsTable } from '../components/events-table.js';
import { LoadError } from '../components/load-error.js';
import { QuickRanges } from '../components/quick-ranges.js';
import { useEvents, useKnownServices } from '../hooks/use-events.js';
import { filtersFromSearch, searchFromFilters, type EventFilters } from '../lib/event-filters.js';
import { href, navigate } from '../lib/router.js';
import { useNow, useSession } from '../live.js';
import { DownloadMenu } from '../components/download-menu.js';

export function EventsPage({ search }: { search: string }) {
  const { settings } = useSession();
  const key = searchFromFilters(filtersFromSearch(search));
  const { filters, listing, chart, error, reload, loadMore, loadingMore, unseen } = useEvents(key);
  const services = useKnownServices(filters);
  const now = useNow(15_000);
  const go = (next: EventFilters) => navigate(href('events', searchFromFilters(next)));

  return (
    <section aria-labelledby="events-title">
      <div className="page-head">
        <h1 id="events-title">Events</h1>
        <DownloadMenu filters={filters} />
        <label className="switch">
          <input type="checkbox" checked={Boolean(filters.live)} onChange={(event) => go({ ...filters, live: event.target.checked })} />
          <span>Live tail</span>
        </label>
      </div>

      <FilterForm key={key} filters={filters} services={services} onSearch={go} />
      <QuickRanges filters={filters} presets={settings.eventsPresets} onApply={go} />
      <LoadError what="events" error={error} onRetry={reload} />
      <ChartCard chart={chart} live={Boolean(filters.live)} now={now} />

      {unseen > 0 && (
        <button type="button" className="new-events" onClick={reload}>
          {unseen} new {unseen === 1 ? 'event matches' : 'events match'}: show
        </button>
      )}

      {!listing && !error && <p className="muted">Loading…</p>}
      {listing && listing.events.length === 0 && (
        <p className="muted" data-testid="no-events">
          No event matches{filters.live ? ' yet; new ones appear here as they arrive' : ''}.
        </p>
      )}
      {listing && listing.events.length > 0 && (
        <EventsTable listing={listing} filters={filters} now={now} loadingMore={loadingMore} onLoadMore={() => void loadMore()} />
      )}
    </section>
  );
}
