import type { Event } from '@watchtower/protocol';
import { describe, expect, it } from 'vitest';
import { MAX_BUCKETS, bucketEvents, chooseStep, histogramChart, histogramStep } from './event-chart.js';

const at = (date: number, level: number, id = date): Event => ({ id, service: 's', level, message: 'm', date });

describe('chooseStep', () => {
  it('picks the smallest round step that keeps the bars few', () => {
    expect(chooseStep(3_600)).toBe(60);
    expect(chooseStep(86_400)).toBe(1_800);
    expect(chooseStep(604_800)).toBe(10_800);
    expect(chooseStep(10 * 365 * 86_400)).toBe(2_592_000);
  });
});

describe('bucketEvents', () => {
  it('counts events per bucket and level band, over the whole range', () => {
    const from = 1_000_020;
    const data = bucketEvents(
      [at(1_000_030, 40), at(1_000_050, 20), at(1_000_100, 50), at(1_000_101, 35), at(1_000_102, 0)],
      from,
      from + 3_600,
    );
    expect(data.step).toBe(60);
    expect(data.buckets.length).toBeLessThanOrEqual(MAX_BUCKETS + 1);
    expect(data.buckets[0]!.start).toBeLessThanOrEqual(from);
    expect(data.buckets[0]!.start % 60).toBe(0);
    expect(data.buckets[0]!.counts).toMatchObject({ error: 1, info: 1 });
    expect(data.buckets[1]!.counts).toMatchObject({ critical: 1, warning: 1, none: 1 });
    expect(data.totals).toEqual({ none: 1, debug: 0, info: 1, warning: 1, error: 1, critical: 1 });
    expect(data.max).toBe(3);
  });

  it('leaves out events outside the range', () => {
    const data = bucketEvents([at(10, 20), at(5_000, 20)], 100, 3_700);
    expect(data.totals.info).toBe(0);
  });

  it('aligns buckets on local time', () => {
    const offset = 2 * 3_600 + 1_800;
    const data = bucketEvents([], 1_767_268_800, 1_767_268_800 + 7 * 86_400, offset);
    expect((data.buckets[0]!.start + offset) % data.step).toBe(0);
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
