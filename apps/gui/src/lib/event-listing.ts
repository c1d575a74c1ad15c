import type { Event, HistogramBucket } from '@watchtower/protocol';
import { countLiveEvent } from './event-chart.js';

/** The events listed, newest first, and the cursor of the next page. */
export interface Listing {
  events: Event[];
  next: string | null;
}

/** What the chart shows: the server's counts of the search, by level, per bucket of `step` seconds over [from, to]. */
export interface ChartSource {
  buckets: HistogramBucket[];
  step: number;
  from: number;
  to: number;
  /** The search has no start: the chart shows the last day of it. */
  lastDay: boolean;
  /** The server's time when loaded: the end of an open range. */
  loadedAt: number;
}

/** What the events explorer shows of one search. */
export interface EventsView {
  listing: Listing;
  chart: ChartSource;
}

/** Events newly arrived, put in their place among those listed (newest first); known ones are skipped. */
export function mergeNewest(current: readonly Event[], arriving: readonly Event[]): Event[] {
  const known = new Set(current.map((event) => event.id));
  const fresh = arriving.filter((event) => !known.has(event.id));
  if (fresh.length === 0) return current as Event[];
  return [...fresh, ...current].sort((a, b) => b.date - a.date || b.id - a.id);
}

/** An event that arrived live, in the listing and counted in the chart (once: an event listed already is not counted again). */
export function addLiveEvent(view: EventsView, event: Event): EventsView {
  if (view.listing.events.some((listed) => listed.id === event.id)) return view;
  return {
    listing: { ...view.listing, events: mergeNewest(view.listing.events, [event]) },
    chart: { ...view.chart, buckets: countLiveEvent(view.chart.buckets, view.chart.step, event) },
  };
}

/** The next page, after the events listed. */
export function appendPage(view: EventsView, page: Listing): EventsView {
  return { ...view, listing: { events: [...view.listing.events, ...page.events], next: page.next } };
}
