import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from '../lib/api.js';
import { EMPTY_STATE, ResourceLoader, type Change, type Fetcher, type ResourceState } from '../lib/resource-loader.js';

export interface Resource<T> {
  data: T | undefined;
  /** Why the latest load failed, in the server's words. */
  error: string | undefined;
  loading: boolean;
  /** Asks the same question again; what is shown stays until the answer comes. */
  reload(): void;
  /** Changes the data shown (a live update); a load in flight gets the change too. */
  update(change: Change<T>): void;
  /** Asks for more of what is shown (a next page); see `ResourceLoader.extend`. */
  extend(fetcher: Fetcher<Change<T>>): Promise<void>;
}

/** A refused password ends the session, and the sign-in page says so: no page repeats it. */
function describeError(error: unknown): string | undefined {
  if (error === undefined || (error instanceof ApiError && error.status === 401)) return undefined;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Loads what `fetcher` answers, again whenever one of `keys` changes (compared as React
 * compares dependencies; what was shown for other keys goes at once) and on `reload`.
 * Only the answer to the latest question is ever shown: an earlier load is aborted.
 */
export function useResource<T>(fetcher: Fetcher<T>, keys: readonly unknown[]): Resource<T> {
  const [state, setState] = useState<ResourceState<T>>(EMPTY_STATE);
  const [loader] = useState(() => new ResourceLoader<T>(setState));
  const latest = useRef(fetcher);
  latest.current = fetcher;
  const fetchLatest = useCallback((signal: AbortSignal) => latest.current(signal), []);

  useEffect(() => {
    void loader.load(fetchLatest, { fresh: true });
    return () => loader.stop();
    // The keys say when the question changed; the fetcher is read fresh at each load.
  }, [loader, fetchLatest, ...keys]);

  const reload = useCallback(() => void loader.load(fetchLatest), [loader, fetchLatest]);
  const update = useCallback((change: Change<T>) => loader.update(change), [loader]);
  const extend = useCallback((more: Fetcher<Change<T>>) => loader.extend(more), [loader]);
  return { data: state.data, error: describeError(state.error), loading: state.loading, reload, update, extend };
}
