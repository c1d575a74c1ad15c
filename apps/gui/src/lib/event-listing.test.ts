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
    chart: { events: [event(2, 200)], truncated: false, loadedAt: 250 },
  };

  it('shows a live event in the listing and in the chart', () => {
    const after = addLiveEvent(view, event(5, 500));
    expect(after.listing.events.map((e) => e.id)).toEqual([5, 2]);
    expect(after.chart.events.map((e) => e.id)).toEqual([5, 2]);
    expect(after.listing.next).toBe('cursor-1');
  });

  it('appends the next page after the events listed and keeps its cursor', () => {
    const after = appendPage(view, { events: [event(1, 100)], next: null });
    expect(after.listing).toEqual({ events: [event(2, 200), event(1, 100)], next: null });
    expect(after.chart).toBe(view.chart);
  });
});
