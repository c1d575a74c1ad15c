import type { Heartbeat } from '@watchtower/protocol';
import { useCallback, useRef, useState } from 'react';
import { ApiError } from '../lib/api.js';
import { mergeNewest, type Listing } from '../lib/event-listing.js';
import { appendFlips, type HistoryListing } from '../lib/history.js';
import { appendRuns, mergeNewestRuns, type RunListing } from '../lib/service-details.js';
import { useChanges, useReloads, useSession } from '../live.js';
import { useResource, type Resource } from './use-resource.js';

const RUNS_PAGE = 20;
const EVENTS_PAGE = 20;
// A week of a busy service's flips in one answer: the timeline needs them all.
const HISTORY_PAGE = 500;

const pageQuery = (limit: number, extra: Record<string, string>, before: string | undefined) =>
  new URLSearchParams({ ...extra, limit: String(limit), ...(before && { before }) }).toString();

/**
 * One service as the server reports it (with its ping URL and latest run), kept up to date
 * by the stream; null when the server knows no service of that name, or it was deleted.
 */
export function useService(service: string) {
  const { api } = useSession();
  const resource = useResource(
    async (signal): Promise<Heartbeat | null> => {
      try {
        return (await api.heartbeat(service, signal)).heartBeat;
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) return null;
        throw error;
      }
    },
    [api, service],
  );
  const { update } = resource;

  useReloads(resource.reload);
  useChanges((change) => {
    if (change.type === 'heartbeat' && change.heartBeat.service === service) {
      // A change on the stream has no ping URL nor latest run: the ones shown stay.
      update((current) => current && { ...current, ...change.heartBeat });
    } else if (change.type === 'heartbeat.dead' && change.service === service) {
      update((current) => current && { ...current, status: 'dead', alerted: true });
    } else if (change.type === 'heartbeat.deleted' && change.service === service) {
      update(() => null);
    }
  });

  /** Shows the service as an action's answer has it. */
  const replace = useCallback((heartbeat: Heartbeat) => update((current) => ({ ...current, ...heartbeat })), [update]);
  return { ...resource, replace };
}

/** A next page after what is listed, while there is one; `loadingMore` says one is on its way. */
function usePaging<T extends { next: string | null }>(
  { data, extend }: Resource<T>,
  loadPage: (before: string, signal: AbortSignal) => Promise<T>,
  append: (current: T, page: T) => T,
) {
  const [loadingMore, setLoadingMore] = useState(false);
  const loadMore = useCallback(async () => {
    const before = data?.next;
    if (!before) return;
    setLoadingMore(true);
    try {
      await extend(async (signal) => {
        const page = await loadPage(before, signal);
        return (current) => append(current, page);
      });
    } finally {
      setLoadingMore(false);
    }
  }, [data, extend, loadPage, append]);
  return { loadingMore, loadMore };
}

/** A service's runs, newest first, a page at a time; a change of the service asks for the newest page again. */
export function useRuns(service: string) {
  const { api } = useSession();
  const loadPage = useCallback(
    async (before: string | undefined, signal: AbortSignal): Promise<RunListing> => {
      const { runs, next } = await api.runs(service, pageQuery(RUNS_PAGE, {}, before), signal);
      return { runs, next };
    },
    [api, service],
  );
  const resource = useResource((signal) => loadPage(undefined, signal), [loadPage]);
  const { extend, reload, loading } = resource;
  const asked = useRef(0);

  /** Asks for the newest page and merges it in: the pages loaded with "Load more" stay. */
  const refreshNewest = () => {
    // A load under way may have been answered before this change: ask again.
    if (loading) return reload();
    // Changes come close together (a start, then its end): only the latest answer is shown.
    const ticket = ++asked.current;
    void extend(async (signal) => {
      const newest = await loadPage(undefined, signal);
      return (current) => (ticket === asked.current ? mergeNewestRuns(current, newest) : current);
    });
  };
  // The live stream (re)connecting asks every view to reload: here that must not drop the
  // pages a user loaded (a slow connect used to land after a click on "Load more runs").
  useReloads(refreshNewest);
  useChanges((change) => {
    if (change.type !== 'heartbeat' || change.heartBeat.service !== service) return;
    refreshNewest();
  });
  return { ...resource, ...usePaging(resource, loadPage, appendRuns) };
}

const appendEvents = (current: Listing, page: Listing): Listing => ({ events: [...current.events, ...page.events], next: page.next });

/** The signal log of a service: its events, newest first, with those that arrive live. */
export function useServiceEvents(service: string) {
  const { api } = useSession();
  const loadPage = useCallback(
    async (before: string | undefined, signal: AbortSignal): Promise<Listing> => {
      const { events, next } = await api.events(pageQuery(EVENTS_PAGE, { service }, before), signal);
      return { events, next };
    },
    [api, service],
  );
  const resource = useResource((signal) => loadPage(undefined, signal), [loadPage]);
  const { update } = resource;

  useReloads(resource.reload);
  useChanges((change) => {
    if (change.type !== 'event' || change.event.service !== service) return;
    update((current) => ({ ...current, events: mergeNewest(current.events, [change.event]) }));
  });
  return { ...resource, ...usePaging(resource, loadPage, appendEvents) };
}

/**
 * A service's history: its flips, newest first, and its uptime, asked again when the
 * service's state changes (a pulse that leaves it alive adds no flip, and asks nothing).
 */
export function useHistory(service: string) {
  const { api } = useSession();
  const loadPage = useCallback(
    async (before: string | undefined, signal: AbortSignal): Promise<HistoryListing> => {
      const { flips, next, uptime } = await api.history(service, pageQuery(HISTORY_PAGE, {}, before), signal);
      return { flips, next, uptime };
    },
    [api, service],
  );
  const resource = useResource((signal) => loadPage(undefined, signal), [loadPage]);
  const { reload } = resource;

  const lastStatus = useRef<string | undefined>(undefined);

  useReloads(reload);
  useChanges((change) => {
    if (change.type === 'heartbeat' && change.heartBeat.service === service) {
      if (change.heartBeat.status !== lastStatus.current) reload();
      lastStatus.current = change.heartBeat.status;
    } else if ((change.type === 'heartbeat.dead' || change.type === 'heartbeat.recovered') && change.service === service) {
      lastStatus.current = undefined;
      reload();
    }
  });
  return { ...resource, ...usePaging(resource, loadPage, appendFlips) };
}
