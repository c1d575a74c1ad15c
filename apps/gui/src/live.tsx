import type { DashboardSettingsResponse, StreamChange } from '@watchtower/protocol';
import type { KeyScope } from '@watchtower/protocol/vocabulary';
import { createContext, useContext, useEffect, useRef, useState } from 'react';
import { serverNow, type Api } from './lib/api.js';
import type { LiveState } from './lib/live-stream.js';

type ChangeListener = (change: StreamChange) => void;

/** Fans the stream out to the views that show it. */
export class LiveHub {
  readonly #changes = new Set<ChangeListener>();
  readonly #reloads = new Set<() => void>();

  change(change: StreamChange): void {
    for (const listener of this.#changes) listener(change);
  }

  reload(): void {
    for (const listener of this.#reloads) listener();
  }

  onChange(listener: ChangeListener): () => void {
    this.#changes.add(listener);
    return () => this.#changes.delete(listener);
  }

  onReload(listener: () => void): () => void {
    this.#reloads.add(listener);
    return () => this.#reloads.delete(listener);
  }
}

export interface Session {
  api: Api;
  settings: DashboardSettingsResponse;
  hub: LiveHub;
  live: LiveState;
  retryNow(): void;
  /** The scope of the key signed in with (the password is admin); undefined until known. */
  scope: KeyScope | undefined;
  /** Whether services and keys may be changed: false for a read key. */
  canChange: boolean;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in page');
  return session;
}

/** Calls the latest `listener` for every change the stream pushes. */
export function useChanges(listener: ChangeListener): void {
  const { hub } = useSession();
  const latest = useRef(listener);
  latest.current = listener;
  useEffect(() => hub.onChange((change) => latest.current(change)), [hub]);
}

/** Calls the latest `listener` when the stream says what is shown may be stale. */
export function useReloads(listener: () => void): void {
  const { hub } = useSession();
  const latest = useRef(listener);
  latest.current = listener;
  useEffect(() => hub.onReload(() => latest.current()), [hub]);
}

/** The server's time in Unix seconds, refreshed every `ms`. */
export function useNow(ms = 500): number {
  const [now, setNow] = useState(serverNow);
  useEffect(() => {
    const timer = setInterval(() => setNow(serverNow()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}
