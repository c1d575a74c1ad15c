import { describe, expect, it } from 'vitest';
import { chooseStep, histogramChart, histogramStep } from './event-chart.js';

describe('chooseStep', () => {
  it('picks the smallest round step that keeps the bars few', () => {
    expect(chooseStep(3_600)).toBe(60);
    expect(chooseStep(86_400)).toBe(1_800);
    expect(chooseStep(604_800)).toBe(10_800);
    expect(chooseStep(10 * 365 * 86_400)).toBe(2_592_000);
  });
});

describe('histogramChart', () => {
  it("shows the server's counts by level band, levels without a name in their band", () => {
    const data = histogramChart(
      [
        { at: 3_600, counts: { error: 2, info: 1, '35': 4 } },
        { at: 7_200, counts: {} },
        { at: 10_800, counts: { '0': 1, critical: 7 } },
      ],
      3_600,
    );
    expect(data.step).toBe(3_600);
    expect(data.buckets.map((bucket) => [bucket.start, bucket.end, bucket.total])).toEqual([
      [3_600, 7_200, 7],
      [7_200, 10_800, 0],
      [10_800, 14_400, 8],
    ]);
    expect(data.buckets[0]!.counts).toMatchObject({ error: 2, info: 1, warning: 4 });
    expect(data.max).toBe(8);
    expect(data.totals).toEqual({ none: 1, debug: 0, info: 1, warning: 4, error: 2, critical: 7 });
  });

  it('asks for few buckets, and never more than the server answers', () => {
    expect(histogramStep(0, 86_400)).toBe(1_800);
    expect(histogramStep(0, 100 * 365 * 86_400)).toBeGreaterThan((100 * 365 * 86_400) / 1_000);
  });
});
