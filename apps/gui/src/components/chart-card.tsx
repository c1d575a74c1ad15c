import { histogramChart } from '../lib/event-chart.js';
import type { ChartSource } from '../lib/event-listing.js';
import { EventChart } from './event-chart.js';

/** The chart of the search over its range (the last day when it has none), from the server's counts. */
export function ChartCard({ chart, live, now }: { chart: ChartSource | undefined; live: boolean; now: number }) {
  const data = chart && histogramChart(chart.buckets, chart.step);
  const end = chart && (live ? Math.max(now, chart.to) : chart.to);
  return (
    <div className="card chart-card">
      {data && end !== undefined ? <EventChart data={data} to={end} /> : <div className="chart-placeholder muted">Loading the chart…</div>}
    </div>
  );
}
