import type { StreamChange } from '@watchtower/protocol';

/** One reader of the feed. */
export interface Subscriber {
  /** A committed change. */
  change(change: StreamChange): void;
  /** Changes may have been missed (the feed lost its connection for a while): reload what is shown. */
  resync?(): void;
  /** The feed closed: no more changes will come. */
  end?(): void;
}

/** Where committed changes go, for live views (`GET /stream`). */
export interface ChangeFeed {
  /** Announces changes that are committed. Never throws; a lost announcement costs no data. */
  publish(changes: StreamChange[]): void;
  /** Tells `subscriber` of every change until the returned unsubscribe is called or the feed closes. */
  subscribe(subscriber: Subscriber): () => void;
  /** How many subscribers this process has now. */
  readonly subscribers: number;
  close(): Promise<void>;
}

/** The in-process part: fans changes out to this process's subscribers. */
export class LocalFanOut {
  readonly #subscribers = new Set<Subscriber>();

  deliver(change: StreamChange): void {
    for (const subscriber of this.#subscribers) subscriber.change(change);
  }

  resync(): void {
    for (const subscriber of this.#subscribers) subscriber.resync?.();
  }

  subscribe(subscriber: Subscriber): () => void {
    this.#subscribers.add(subscriber);
    return () => {
      this.#subscribers.delete(subscriber);
    };
  }

  end(): void {
    const ended = [...this.#subscribers];
    this.#subscribers.clear();
    for (const subscriber of ended) subscriber.end?.();
  }

  get size(): number {
    return this.#subscribers.size;
  }
}

/** A feed for a single process (the embedded database): changes go straight to subscribers. */
export function createLocalChangeFeed(): ChangeFeed {
  const fanOut = new LocalFanOut();
  return {
    publish: (changes) => {
      for (const change of changes) fanOut.deliver(change);
    },
    subscribe: (subscriber) => fanOut.subscribe(subscriber),
    get subscribers() {
      return fanOut.size;
    },
    close: async () => fanOut.end(),
  };
}
