import { formatDateTime } from '../lib/durations.js';
import { resolveRange, type EventFilters } from '../lib/event-filters.js';
import type { ChartSource } from '../lib/event-listing.js';
import { EventChart } from './event-chart.js';

/** The chart of the search, over its range (or the span of the events counted when they are cut short). */
export function ChartCard({ chart, filters, now }: { chart: ChartSource | undefined; filters: EventFilters; now: number }) {
  const range = resolveRange(filters, chart?.loadedAt ?? now);
  const end = filters.live || range.to === undefined ? Math.max(now, chart?.loadedAt ?? now) : range.to;
  const oldest = chart && chart.events.length > 0 ? chart.events[chart.events.length - 1]!.date : undefined;
  const start = chart?.truncated || range.from === undefined ? (oldest ?? end - 3_600) : range.from;
  return (
    <div className="card chart-card">
      {chart ? (
        <EventChart events={chart.events} from={start} to={end} />
      ) : (
        <div className="chart-placeholder muted">Loading the chart…</div>
      )}
      {chart?.truncated && (
        <p className="muted small">
          The chart counts the newest {chart.events.length.toLocaleString('en')} matching events, from{' '}
          {formatDateTime(chart.events[chart.events.length - 1]!.date)}.
        </p>
      )}
    </div>
  );
}
