import { formatDateTime, formatDuration, formatTime } from '../lib/durations.js';
import type { ChartBucket, ChartData } from '../lib/event-chart.js';
import { LEVEL_BANDS } from '../lib/levels.js';

const WIDTH = 800;
const HEIGHT = 140;
const LEFT = 36;
const BOTTOM = 20;
const TOP = 8;
const PLOT_HEIGHT = HEIGHT - TOP - BOTTOM;

// Most severe on top of each bar, where the eye lands first.
const STACK = [...LEVEL_BANDS];

/** "14:05" within a day; with the date ("11-24 14:05") when the range spans more. */
function axisLabel(unixSeconds: number, step: number, span: number): string {
  const text = formatDateTime(unixSeconds);
  if (step >= 86_400) return text.slice(0, 10);
  return span > 18 * 3_600 ? text.slice(5, 16) : formatTime(unixSeconds).slice(0, 5);
}

/** Event counts over time, stacked by level: plain SVG, coloured by the theme's CSS. */
export function EventChart({ data, to }: { data: ChartData; to: number }) {
  const from = data.buckets[0]?.start ?? to;
  const plotWidth = WIDTH - LEFT - 4;
  const barWidth = plotWidth / data.buckets.length;
  const scale = data.max > 0 ? PLOT_HEIGHT / data.max : 0;
  const total = data.buckets.reduce((sum, bucket) => sum + bucket.total, 0);
  const ticks = [0, Math.floor(data.buckets.length / 2), data.buckets.length - 1].filter(
    (index, position, all) => all.indexOf(index) === position,
  );
  const summary = `${total} events from ${formatDateTime(data.buckets[0]!.start)} to ${formatDateTime(to)}, ${formatDuration(data.step)} per bar`;

  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={`Event counts by level: ${summary}`} preserveAspectRatio="none">
        <line className="axis" x1={LEFT} x2={WIDTH - 4} y1={TOP + PLOT_HEIGHT + 0.5} y2={TOP + PLOT_HEIGHT + 0.5} />
        <line className="grid-line" x1={LEFT} x2={WIDTH - 4} y1={TOP + 0.5} y2={TOP + 0.5} />
        <text className="tick" x={LEFT - 6} y={TOP + 4} textAnchor="end">
          {data.max}
        </text>
        <text className="tick" x={LEFT - 6} y={TOP + PLOT_HEIGHT} textAnchor="end">
          0
        </text>
        {data.buckets.map((bucket, index) => (
          <ChartBar key={bucket.start} bucket={bucket} x={LEFT + index * barWidth} width={barWidth} scale={scale} />
        ))}
        {ticks.map((index) => (
          <text
            key={index}
            className="tick"
            x={LEFT + (index + 0.5) * barWidth}
            y={HEIGHT - 4}
            textAnchor={index === 0 ? 'start' : index === data.buckets.length - 1 ? 'end' : 'middle'}
          >
            {axisLabel(data.buckets[index]!.start, data.step, to - from)}
          </text>
        ))}
      </svg>
      <figcaption>
        <span className="muted small">{formatDuration(data.step)} per bar</span>
        <ChartLegend data={data} total={total} />
      </figcaption>
    </figure>
  );
}

/** One bucket's bar: a segment per level, most severe on top, and a tooltip with the counts. */
function ChartBar({ bucket, x, width, scale }: { bucket: ChartBucket; x: number; width: number; scale: number }) {
  let y = TOP + PLOT_HEIGHT;
  return (
    <g>
      <title>
        {`${formatDateTime(bucket.start)} – ${formatTime(bucket.end)}: ${bucket.total} ${bucket.total === 1 ? 'event' : 'events'}${
          bucket.total > 0
            ? ` (${STACK.filter((band) => bucket.counts[band] > 0)
                .map((band) => `${bucket.counts[band]} ${band}`)
                .join(', ')})`
            : ''
        }`}
      </title>
      <rect className="hover" x={x} y={TOP} width={width} height={PLOT_HEIGHT} />
      {STACK.map((band) => {
        const count = bucket.counts[band];
        if (count === 0) return null;
        const height = Math.max(count * scale, 1.5);
        y -= height;
        return (
          <rect key={band} className={`bar level-${band}`} x={x + width * 0.1} y={y} width={Math.max(width * 0.8, 1)} height={height} />
        );
      })}
    </g>
  );
}

function ChartLegend({ data, total }: { data: ChartData; total: number }) {
  return (
    <ul className="chart-legend" aria-label="Events by level">
      {[...STACK].reverse().map((band) =>
        data.totals[band] > 0 ? (
          <li key={band}>
            <span className={`swatch level-${band}`} aria-hidden="true" /> {band === 'none' ? 'no level' : band}{' '}
            <strong>{data.totals[band]}</strong>
          </li>
        ) : null,
      )}
      {total === 0 && <li className="muted">no events in this range</li>}
    </ul>
  );
}
