import type { Heartbeat } from '@watchtower/protocol';
import { UPTIME_WINDOWS, type UptimeWindow } from '@watchtower/protocol/vocabulary';
import { useState } from 'react';
import { useHistory } from '../hooks/use-service.js';
import { formatAgo, formatDateTime, formatDuration } from '../lib/durations.js';
import {
  FLIP_CAUSE_WORDS,
  FLIP_STATE_WORDS,
  TIMELINE_SPANS,
  timelineSegments,
  timelineSummary,
  uptimeWords,
  type HistoryListing,
  type Segment,
  type TimelineSpan,
} from '../lib/history.js';
import { LoadError } from './load-error.js';

/** A service's uptime, its timeline over the last day or week, and its changes of state. */
export function ServiceHistory({ heartbeat: hb, now }: { heartbeat: Heartbeat; now: number }) {
  const { data, error, reload, loadMore, loadingMore } = useHistory(hb.service);
  const [span, setSpan] = useState<TimelineSpan>('24h');
  return (
    <section className="block" aria-labelledby="history-title">
      <h2 id="history-title">History</h2>
      <LoadError what="history" error={error} onRetry={reload} />
      {!data && !error && <p className="muted">Loading…</p>}
      {data && (
        <>
          <UptimeFigures uptime={data.uptime} />
          <div className="quick" role="group" aria-label="Timeline span">
            {TIMELINE_SPANS.map((option) => (
              <button
                key={option.name}
                type="button"
                className="chip"
                aria-pressed={span === option.name}
                onClick={() => setSpan(option.name)}
              >
                Last {option.label}
              </button>
            ))}
          </div>
          <Timeline listing={data} current={hb.status} span={span} now={now} />
          <FlipsTable listing={data} now={now} loadingMore={loadingMore} onLoadMore={() => void loadMore()} />
        </>
      )}
    </section>
  );
}

const WINDOW_LABELS: Record<UptimeWindow, string> = { '24h': 'Last 24 h', '7d': 'Last 7 days', '30d': 'Last 30 days' };

function UptimeFigures({ uptime }: { uptime: HistoryListing['uptime'] }) {
  return (
    <dl className="uptime" aria-label="Uptime">
      {(Object.keys(UPTIME_WINDOWS) as UptimeWindow[]).map((name) => (
        <div key={name} className="uptime-figure" data-window={name}>
          <dt>Uptime, {WINDOW_LABELS[name].toLowerCase()}</dt>
          <dd>{uptimeWords(uptime[name])}</dd>
        </div>
      ))}
    </dl>
  );
}

/** The bar of states; its words (the label, and the table below) say what the colours show. */
function Timeline({
  listing,
  current,
  span,
  now,
}: {
  listing: HistoryListing;
  current: Heartbeat['status'];
  span: TimelineSpan;
  now: number;
}) {
  const { label, seconds } = TIMELINE_SPANS.find((option) => option.name === span)!;
  const start = now - seconds;
  const segments = timelineSegments(listing.flips, { start, end: now, complete: listing.next === null, current });
  return (
    <figure className="timeline">
      <div
        className="timeline-bar"
        role="img"
        aria-label={`Timeline of the last ${label}: ${timelineSummary(segments)}`}
        data-testid="timeline"
      >
        {segments.map((segment) => (
          <TimelineSegment key={segment.from} segment={segment} />
        ))}
      </div>
      <figcaption>
        <span className="timeline-scale">
          <span>{formatDateTime(start)}</span>
          <span>{formatDateTime(start + seconds / 2)}</span>
          <span>now</span>
        </span>
        <span className="timeline-legend" aria-hidden="true">
          {[...new Set(segments.map((segment) => segment.state))].flatMap((state) =>
            state === null
              ? []
              : [
                  <span key={state}>
                    <span className={`swatch state-${state}`} /> {FLIP_STATE_WORDS[state]}
                  </span>,
                ],
          )}
        </span>
      </figcaption>
    </figure>
  );
}

/** A stretch as wide as its share of the span; a short one keeps a sliver, so that a brief death shows. */
function TimelineSegment({ segment }: { segment: Segment }) {
  const state = segment.state ?? 'none';
  const words = segment.state === null ? 'no record' : FLIP_STATE_WORDS[segment.state];
  return (
    <span
      className={`timeline-segment state-${state}`}
      data-state={state}
      style={{ flexGrow: segment.to - segment.from }}
      title={`${words} from ${formatDateTime(segment.from)} for ${formatDuration(segment.to - segment.from)}`}
    />
  );
}

function FlipsTable({
  listing,
  now,
  loadingMore,
  onLoadMore,
}: {
  listing: HistoryListing;
  now: number;
  loadingMore: boolean;
  onLoadMore: () => void;
}) {
  if (listing.flips.length === 0) return <p className="muted">No change of state recorded yet.</p>;
  return (
    <>
      <table className="grid flips" aria-label="Changes of state">
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">From</th>
            <th scope="col">To</th>
            <th scope="col">Why</th>
          </tr>
        </thead>
        <tbody>
          {listing.flips.map((flip) => (
            <tr key={`${flip.at}-${flip.cause}-${flip.to}`} data-to={flip.to} data-cause={flip.cause}>
              <td data-label="When" className="time" title={formatAgo(now - flip.at)}>
                {formatDateTime(flip.at)}
              </td>
              <td data-label="From">{flip.from === null ? <span className="muted">—</span> : FLIP_STATE_WORDS[flip.from]}</td>
              <td data-label="To">
                <span className={`badge status-${flip.to}`}>{FLIP_STATE_WORDS[flip.to]}</span>
              </td>
              <td data-label="Why">{FLIP_CAUSE_WORDS[flip.cause]}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="more">
        <span className="muted" data-testid="flips-count">
          {listing.flips.length} {listing.flips.length === 1 ? 'change' : 'changes'} shown{listing.next ? '' : ', all there are'}
        </span>
        {listing.next && (
          <button type="button" onClick={onLoadMore} disabled={loadingMore}>
            {loadingMore ? 'Loading…' : 'Load more changes'}
          </button>
        )}
      </div>
    </>
  );
}
