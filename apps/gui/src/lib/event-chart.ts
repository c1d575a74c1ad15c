import type { Event } from '@watchtower/protocol';
import { LEVEL_BANDS, levelBand, type LevelBand } from './levels.js';

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

/**
 * Counts events per time bucket and level band over [from, to] (Unix seconds). Buckets
 * start on whole steps of local time (whole hours, local midnights).
 * `utcOffset` is the local offset in seconds (east of UTC positive).
 */
export function bucketEvents(events: readonly Event[], from: number, to: number, utcOffset = 0): ChartData {
  const span = Math.max(to - from, 60);
  const step = chooseStep(span);
  const first = Math.floor((from + utcOffset) / step) * step - utcOffset;
  const count = Math.max(1, Math.ceil((to - first) / step));
  const buckets: ChartBucket[] = Array.from({ length: count }, (_, index) => ({
    start: first + index * step,
    end: first + (index + 1) * step,
    counts: emptyCounts(),
    total: 0,
  }));
  const totals = emptyCounts();
  for (const event of events) {
    if (event.date < from || event.date > to) continue;
    const bucket = buckets[Math.min(count - 1, Math.floor((event.date - first) / step))];
    if (!bucket) continue;
    const band = levelBand(event.level);
    bucket.counts[band] += 1;
    bucket.total += 1;
    totals[band] += 1;
  }
  return { step, buckets, max: Math.max(0, ...buckets.map((bucket) => bucket.total)), totals };
}
