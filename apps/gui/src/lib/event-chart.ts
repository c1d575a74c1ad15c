import type { Event, HistogramBucket } from '@watchtower/protocol';
import { LEVEL_BANDS, LEVELS, levelBand, type LevelBand } from './levels.js';
import { levelName } from '@watchtower/protocol/vocabulary';

/** Bucket widths the chart may use, in seconds: the smallest that gives at most MAX_BUCKETS. */
const STEPS = [60, 300, 900, 1_800, 3_600, 10_800, 21_600, 43_200, 86_400, 604_800, 2_592_000];
export const MAX_BUCKETS = 60;

export interface ChartBucket {
  /** Start, Unix seconds. */
  start: number;
  end: number;
  counts: Record<LevelBand, number>;
  total: number;
}

export interface ChartData {
  step: number;
  buckets: ChartBucket[];
  max: number;
  totals: Record<LevelBand, number>;
}

export function chooseStep(span: number): number {
  return STEPS.find((step) => span / step <= MAX_BUCKETS) ?? STEPS[STEPS.length - 1]!;
}

const emptyCounts = (): Record<LevelBand, number> => Object.fromEntries(LEVEL_BANDS.map((band) => [band, 0])) as Record<LevelBand, number>;

/** The most buckets the server answers for one histogram. */
const SERVER_MAX_BUCKETS = 1_000;

/** The bucket width for a histogram of [from, to]: a round step, wider only for a range of decades. */
export function histogramStep(from: number, to: number): number {
  const span = Math.max(to - from, 60);
  return Math.max(chooseStep(span), Math.ceil(span / (SERVER_MAX_BUCKETS - 2)));
}

/** The band of a level as the histogram names it: a level name, or a number as text. */
function bandOfKey(key: string): LevelBand {
  return Object.hasOwn(LEVELS, key) ? (key as LevelBand) : levelBand(Number(key));
}

/** The server's histogram (buckets of `step` seconds, counts by level) as the chart's data. */
export function histogramChart(histogram: readonly HistogramBucket[], step: number): ChartData {
  const totals = emptyCounts();
  const buckets = histogram.map((bucket) => {
    const counts = emptyCounts();
    let total = 0;
    for (const [key, n] of Object.entries(bucket.counts)) {
      const band = bandOfKey(key);
      counts[band] += n;
      totals[band] += n;
      total += n;
    }
    return { start: bucket.at, end: bucket.at + step, counts, total };
  });
  return { step, buckets, max: Math.max(0, ...buckets.map((bucket) => bucket.total)), totals };
}

/**
 * The histogram with one more event counted: in its bucket, or in a bucket added after the
 * last when the range is open (a live tail). An event before the range is not counted.
 */
export function countLiveEvent(histogram: readonly HistogramBucket[], step: number, event: Event): HistogramBucket[] {
  const at = Math.floor(event.date / step) * step;
  const key = levelName(event.level);
  const next = histogram.map((bucket) => bucket);
  let index = next.findIndex((bucket) => bucket.at === at);
  const last = next[next.length - 1];
  if (index === -1 && last && at > last.at && (at - last.at) / step <= MAX_BUCKETS) {
    for (let start = last.at + step; start <= at; start += step) next.push({ at: start, counts: {} });
    index = next.length - 1;
  }
  const bucket = next[index];
  if (!bucket) return next;
  next[index] = { at: bucket.at, counts: { ...bucket.counts, [key]: (bucket.counts[key] ?? 0) + 1 } };
  return next;
}
