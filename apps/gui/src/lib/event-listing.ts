import type { Event } from '@watchtower/protocol';

/** The events listed, newest first, and the cursor of the next page. */
export interface Listing {
  events: Event[];
  next: string | null;
}

/** The events the chart counts. */
export interface ChartSource {
  events: Event[];
  /** More events match than were counted. */
  truncated: boolean;
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

/** An event that arrived live, in the listing and in the chart. */
export function addLiveEvent(view: EventsView, event: Event): EventsView {
  return {
    listing: { ...view.listing, events: mergeNewest(view.listing.events, [event]) },
    chart: { ...view.chart, events: mergeNewest(view.chart.events, [event]) },
  };
}

/** The next page, after the events listed. */
export function appendPage(view: EventsView, page: Listing): EventsView {
  return { ...view, listing: { events: [...view.listing.events, ...page.events], next: page.next } };
}
