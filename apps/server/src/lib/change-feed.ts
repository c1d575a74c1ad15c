import type { StreamChange } from '@watchtower/protocol';

export type Listener = (change: StreamChange) => void;

/** Where committed changes go, for live views (`GET /stream`). */
export interface ChangeFeed {
  /** Announces changes that are committed. Never throws; a lost announcement costs no data. */
  publish(changes: StreamChange[]): void;
  /** Calls `listener` for each change, and `onEnd` when the feed closes. Returns the unsubscribe. */
  subscribe(listener: Listener, onEnd?: () => void): () => void;
  close(): Promise<void>;
}

/** The in-process part: fans changes out to this process's subscribers. */
export class LocalFanOut {
  readonly #subscribers = new Map<Listener, (() => void) | undefined>();

  deliver(change: StreamChange): void {
    for (const listener of this.#subscribers.keys()) listener(change);
  }

  subscribe(listener: Listener, onEnd?: () => void): () => void {
    this.#subscribers.set(listener, onEnd);
    return () => {
      this.#subscribers.delete(listener);
    };
  }

  end(): void {
    const ends = [...this.#subscribers.values()];
    this.#subscribers.clear();
    for (const onEnd of ends) onEnd?.();
  }

  get size(): number {
    return this.#subscribers.size;
  }
}

/** A feed for a single process (the embedded database): changes go straight to subscribers. */
export function createLocalChangeFeed(): ChangeFeed {
  const fanOut = new LocalFanOut();
  return {
    publish: (changes) => changes.forEach((change) => fanOut.deliver(change)),
    subscribe: (listener, onEnd) => fanOut.subscribe(listener, onEnd),
    close: async () => fanOut.end(),
  };
}
