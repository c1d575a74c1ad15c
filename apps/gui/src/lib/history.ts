import type { Flip, Uptime } from '@watchtower/protocol';
import type { FlipCause, FlipStatus } from '@watchtower/protocol/vocabulary';
import { formatDuration } from './durations.js';

/** A service's history as loaded: its flips newest first, the cursor of the next page, and its uptime. */
export interface HistoryListing {
  flips: Flip[];
  next: string | null;
  uptime: Uptime;
}

/** One stretch of the timeline; state null where nothing is recorded (before the service existed, or not loaded). */
export interface Segment {
  from: number;
  to: number;
  state: FlipStatus | null;
}

/** The spans a timeline can show, in seconds. */
export const TIMELINE_SPANS = [
  { name: '24h', label: '24 h', seconds: 86_400 },
  { name: '7d', label: '7 days', seconds: 604_800 },
] as const;
export type TimelineSpan = (typeof TIMELINE_SPANS)[number]['name'];

export const FLIP_STATE_WORDS: Readonly<Record<FlipStatus, string>> = {
  alive: 'alive',
  dead: 'dead',
  cancelled: 'cancelled',
  new: 'new',
  started: 'running',
  late: 'late',
  paused: 'paused',
  snoozed: 'snoozed',
  unknown: 'unknown',
};

export const FLIP_CAUSE_WORDS: Readonly<Record<FlipCause, string>> = {
  created: 'created',
  pulse: 'a pulse',
  recovered: 'it pulsed again',
  start: 'a run started',
  failed: 'a run failed',
  deadline: 'no pulse by its deadline',
  timeout: 'a run outlived its max runtime',
  late: 'its deadline is close',
  paused: 'paused',
  resumed: 'resumed',
  cancelled: 'cancelled',
  snoozed: 'snoozed',
  unsnoozed: 'its snooze ended',
  serverDown: 'no watchtower server ran',
  serverUp: 'a watchtower server started again',
};

/**
 * The states from `start` to `end` (Unix seconds), laid end to end from flips loaded newest
 * first. Before the oldest flip the state is its `from` when every flip is loaded (`complete`),
 * and unrecorded (null) otherwise. With no flip at all, `current` held all along.
 */
export function timelineSegments(
  flips: readonly Flip[],
  { start, end, complete, current }: { start: number; end: number; complete: boolean; current: FlipStatus },
): Segment[] {
  if (end <= start) return [];
  const ascending = [...flips].reverse();
  const oldest = ascending[0];
  let state: FlipStatus | null = oldest ? (complete ? oldest.from : null) : current;
  for (const flip of ascending) if (flip.at <= start) state = flip.to;
  const segments: Segment[] = [];
  let from = start;
  for (const flip of ascending) {
    if (flip.at <= start || flip.at > end) continue;
    segments.push({ from, to: flip.at, state });
    from = flip.at;
    state = flip.to;
  }
  segments.push({ from, to: end, state });
  return mergeSegments(segments.filter((segment) => segment.to > segment.from));
}

function mergeSegments(segments: Segment[]): Segment[] {
  const merged: Segment[] = [];
  for (const segment of segments) {
    const last = merged[merged.length - 1];
    if (last && last.state === segment.state) last.to = segment.to;
    else merged.push({ ...segment });
  }
  return merged;
}

/** What a timeline shows, in words: the time spent in each state, longest first ("alive 20 h, dead 4 h"). */
export function timelineSummary(segments: readonly Segment[]): string {
  const totals = new Map<string, number>();
  for (const { from, to, state } of segments) {
    const word = state === null ? 'no record' : FLIP_STATE_WORDS[state];
    totals.set(word, (totals.get(word) ?? 0) + (to - from));
  }
  if (totals.size === 0) return 'nothing recorded';
  return [...totals]
    .sort((a, b) => b[1] - a[1])
    .map(([word, seconds]) => `${word} ${formatDuration(seconds)}`)
    .join(', ');
}

/**
 * An uptime as a percentage to a hundredth, cut rather than rounded, so that a service down
 * for a moment never shows 100 %: 0.83333 → "83.33 %". Null: "no data".
 */
export function uptimeWords(uptime: number | null): string {
  if (uptime === null) return 'no data';
  const hundredths = Math.floor(uptime * 10_000 + 1e-9);
  return `${hundredths / 100} %`;
}

/** A next page of flips after those shown. */
export function appendFlips(current: HistoryListing, page: HistoryListing): HistoryListing {
  return { flips: [...current.flips, ...page.flips], next: page.next, uptime: current.uptime };
}
