import type { Event } from '@watchtower/protocol';
import { describe, expect, it } from 'vitest';
import { addLiveEvent, appendPage, mergeNewest, type EventsView } from './event-listing.js';

const event = (id: number, date: number): Event => ({ id, service: 'web', level: 20, message: `event ${id}`, date });

describe('mergeNewest', () => {
  it('puts arriving events in date order, newest first, and skips those already listed', () => {
    const listed = [event(3, 300), event(1, 100)];
    expect(mergeNewest(listed, [event(2, 200), event(3, 300)]).map((e) => e.id)).toEqual([3, 2, 1]);
    expect(mergeNewest(listed, [event(1, 100)])).toBe(listed);
  });
});

describe('the events view', () => {
  const view: EventsView = {
    listing: { events: [event(2, 200)], next: 'cursor-1' },
    chart: {
      buckets: [
        { at: 0, counts: {} },
        { at: 300, counts: { info: 1 } },
      ],
      step: 300,
      from: 0,
      to: 600,
      lastDay: false,
      loadedAt: 250,
    },
  };

  it('shows a live event in the listing and counts it in its bucket of the chart, once', () => {
    const after = addLiveEvent(view, { ...event(5, 500), level: 40 });
    expect(after.listing.events.map((e) => e.id)).toEqual([5, 2]);
    expect(after.chart.buckets).toEqual([
      { at: 0, counts: {} },
      { at: 300, counts: { info: 1, error: 1 } },
    ]);
    expect(after.listing.next).toBe('cursor-1');
    expect(addLiveEvent(after, { ...event(5, 500), level: 40 })).toBe(after);
  });

  it('adds buckets after the last for a live event past the range', () => {
    const after = addLiveEvent(view, event(6, 1_250));
    expect(after.chart.buckets.map((bucket) => bucket.at)).toEqual([0, 300, 600, 900, 1_200]);
    expect(after.chart.buckets.at(-1)).toEqual({ at: 1_200, counts: { info: 1 } });
  });

  it('appends the next page after the events listed and keeps its cursor', () => {
    const after = appendPage(view, { events: [event(1, 100)], next: null });
    expect(after.listing).toEqual({ events: [event(2, 200), event(1, 100)], next: null });
    expect(after.chart).toBe(view.chart);
  });
});
