import { useCallback, useEffect, useMemo, useState } from 'react';
import { serverNow, type Api } from '../lib/api.js';
import { histogramStep } from '../lib/event-chart.js';
import { eventsQuery, filterQuery, filtersFromSearch, matchesFilters, resolveRange, type EventFilters } from '../lib/event-filters.js';
import { addLiveEvent, appendPage, type ChartSource, type EventsView } from '../lib/event-listing.js';
import { useChanges, useReloads, useSession } from '../live.js';
import { useResource } from './use-resource.js';

const PAGE = 100;
/** The chart's range when the search has none: the last day. */
const DEFAULT_CHART_SPAN = 86_400;

/** The chart of a search: every matching event of its range, counted by the server. */
async function loadChart(api: Api, filters: EventFilters, at: number, signal: AbortSignal): Promise<ChartSource> {
  const range = resolveRange(filters, at);
  const to = range.to ?? at;
  const from = Math.min(range.from ?? to - DEFAULT_CHART_SPAN, to);
  const step = histogramStep(from, to);
  const answer = await api.eventHistogram(filterQuery(filters, { from, to }, { bucket: String(step) }), signal);
  return { buckets: answer.buckets, step, from, to, lastDay: range.from === undefined, loadedAt: at };
}

async function loadEvents(api: Api, filters: EventFilters, signal: AbortSignal): Promise<EventsView> {
  const at = serverNow();
  const [first, chart] = await Promise.all([
    api.events(eventsQuery(filters, at, { limit: PAGE }), signal),
    loadChart(api, filters, at, signal),
  ]);
  return { listing: { events: first.events, next: first.next }, chart };
}

/**
 * The events of a search (`key`: its query string) and their chart. A live tail adds the
 * matching events as they arrive; otherwise `unseen` counts them until `reload`.
 */
export function useEvents(key: string) {
  const { api } = useSession();
  const filters = useMemo(() => filtersFromSearch(key), [key]);
  const resource = useResource((signal) => loadEvents(api, filters, signal), [api, key]);
  const { update, extend } = resource;
  const [unseen, setUnseen] = useState(0);
  const [loadingMore, setLoadingMore] = useState(false);

  // biome-ignore lint/correctness/useExhaustiveDependencies: key is the trigger: the unseen count restarts when the filters change
  useEffect(() => setUnseen(0), [key]);
  const reload = useCallback(() => {
    setUnseen(0);
    resource.reload();
  }, [resource.reload]);
  useReloads(reload);

  // Events that the server records itself (a recovery's notice) are not all on the stream:
  // after a recovery, a live view asks for the newest page again and keeps what is new.
  useChanges((change) => {
    if (change.type !== 'event' || !matchesFilters(change.event, filters, serverNow())) return;
    if (filters.live) update((view) => addLiveEvent(view, change.event));
    else setUnseen((count) => count + 1);
  });

  const data = resource.data;
  const loadMore = useCallback(async () => {
    const before = data?.listing.next;
    if (!data || !before) return;
    setLoadingMore(true);
    try {
      await extend(async (signal) => {
        const page = await api.events(eventsQuery(filters, data.chart.loadedAt, { limit: PAGE, before }), signal);
        return (view) => appendPage(view, page);
      });
    } finally {
      setLoadingMore(false);
    }
  }, [api, data, extend, filters]);

  return { filters, listing: data?.listing, chart: data?.chart, error: resource.error, reload, loadMore, loadingMore, unseen };
}

/** The names of the services, for the service field's suggestions; events seen live add theirs. */
export function useKnownServices(filters: EventFilters): string[] {
  const { api } = useSession();
  const resource = useResource(
    // Only the suggestions depend on it: without an answer there are none.
    (signal) =>
      api.heartbeats(signal).then(
        (answer) => answer.heartBeats.map((hb) => hb.service).sort(),
        (): string[] => [],
      ),
    [api],
  );
  const { update } = resource;
  useChanges((change) => {
    if (change.type !== 'event' || !change.event.service || !matchesFilters(change.event, filters, serverNow())) return;
    const { service } = change.event;
    update((known) => (known.includes(service) ? known : [...known, service].sort()));
  });
  return resource.data ?? [];
}
