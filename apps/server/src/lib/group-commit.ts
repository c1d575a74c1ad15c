import { WriteTimeoutError } from '../db/errors.js';
import type { GroupCommitObserver } from './metrics.js';

/** Why a write was not accepted into a group commit. */
export class GroupCommitFullError extends Error {
  override name = 'GroupCommitFullError';
}

export interface GroupCommitOptions<In = unknown> {
  /** Items written by one statement at most. */
  maxBatch: number;
  /** Items waiting at most; past that a write is refused at once instead of queueing forever. */
  maxPending: number;
  /** Whether a failed batch is worth retrying item by item (a data error), or fails all (an outage). */
  retryAlone: (error: unknown) => boolean;
  /**
   * How long an item may wait, from its arrival to its commit. Its batch is handed this
   * deadline (the earliest of its items'), and must not apply after it; an item still
   * waiting then fails with a WriteTimeoutError. Unbounded when absent.
   */
  maxWaitMs?: number;
  /** Time to add after the deadline for the database's answer to travel back. */
  answerSlackMs?: number;
  /** Told of each batch, of the items written or refused, and kept up to date with the items waiting. */
  observer?: GroupCommitObserver | undefined;
  /**
   * Batches written at the same time, at most (default 1). With more than one, items of one
   * key (`keyOf`) are never in two batches under way: an item waits while an earlier batch
   * holds its key, so the items of a key still commit in their order of arrival.
   */
  maxInFlight?: number;
  /** The key that orders items when batches overlap (a service); without it, one batch at a time. */
  keyOf?: (item: In) => string;
}

interface Waiter<In, Out> {
  item: In;
  /** Epoch ms (this process's clock) by which the item must be written. */
  deadline: number;
  resolve: (value: Out) => void;
  reject: (error: unknown) => void;
}

/**
 * Takes up to `maxBatch` waiting items, in order, whose keys no batch under way holds
 * (`busy`); the others keep their places in `pending`.
 */
function takeBatch<T extends { item: In }, In>(pending: T[], maxBatch: number, busy: Set<string>, keyOf?: (item: In) => string): T[] {
  if (busy.size === 0 || !keyOf) return pending.splice(0, maxBatch);
  const taken: T[] = [];
  let kept = 0;
  for (const waiter of pending) {
    if (taken.length < maxBatch && !busy.has(keyOf(waiter.item))) taken.push(waiter);
    else pending[kept++] = waiter;
  }
  pending.length = kept;
  return taken;
}

/**
 * Turns a writer of many items into a writer of one: items that arrive while a batch is
 * being written wait and go together in the next one, so concurrent requests share one
 * statement and one commit. A lone item is written at once, with no added delay. Each
 * promise settles after its own item's commit (or failure); `write` must answer one
 * result per item, in order, and must not apply anything after `deadline` (epoch ms).
 */
export function groupCommit<In, Out>(
  write: (items: In[], deadline: number) => Promise<Out[]>,
  options: GroupCommitOptions<In>,
): (item: In) => Promise<Out> {
  const pending: Array<Waiter<In, Out>> = [];
  const maxWait = options.maxWaitMs ?? Number.POSITIVE_INFINITY;
  const slack = options.answerSlackMs ?? 1_000;
  const observer = options.observer;

  const timedOut = (waited: number) =>
    new WriteTimeoutError(`the database did not commit the write within ${Math.round(waited / 1000)} s`, waited);

  /** Resolves when the write settles, or when its deadline (plus slack) has passed. */
  async function writeWithin(items: In[], deadline: number): Promise<Out[]> {
    const writing = write(items, deadline);
    if (!Number.isFinite(deadline)) return writing;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(timedOut(maxWait + slack)), Math.max(0, deadline + slack - Date.now()));
    });
    // The abandoned write may still settle; its outcome is ignored (past its deadline it
    // cannot apply).
    writing.catch(() => undefined);
    try {
      return await Promise.race([writing, expired]);
    } finally {
      clearTimeout(timer);
    }
  }

  async function writeBatch(batch: Array<Waiter<In, Out>>): Promise<void> {
    const deadline = Math.min(...batch.map((waiter) => waiter.deadline));
    observer?.batch(batch.length);
    try {
      const results = await writeWithin(
        batch.map((waiter) => waiter.item),
        deadline,
      );
      if (results.length !== batch.length) {
        throw new Error(`group commit: ${results.length} results for ${batch.length} items`);
      }
      for (const [index, waiter] of batch.entries()) waiter.resolve(results[index]!);
      observer?.settled(true, batch.length);
    } catch (error) {
      if (batch.length > 1 && options.retryAlone(error)) {
        // One bad item must not fail the others: each goes again on its own.
        for (const waiter of batch) await writeBatch([waiter]);
        return;
      }
      for (const waiter of batch) waiter.reject(error);
      observer?.settled(false, batch.length);
    }
  }

  const keyOf = options.keyOf;
  const maxInFlight = keyOf ? Math.max(1, options.maxInFlight ?? 1) : 1;
  let inFlight = 0;
  /** The keys of the batches under way. */
  const busy = new Set<string>();

  /** Starts batches while there are items to write and room for them. */
  function pump(): void {
    while (inFlight < maxInFlight && pending.length > 0) {
      const now = Date.now();
      const taken = takeBatch(pending, options.maxBatch, busy, keyOf);
      if (observer) observer.waiting = pending.length;
      if (taken.length === 0) return;
      // Items that waited out their time behind a slow batch fail without a try.
      const batch = taken.filter((waiter) => {
        if (waiter.deadline > now) return true;
        waiter.reject(timedOut(now - (waiter.deadline - maxWait)));
        return false;
      });
      if (batch.length < taken.length) observer?.settled(false, taken.length - batch.length);
      if (batch.length === 0) continue;
      const keys = keyOf && maxInFlight > 1 ? new Set(batch.map((waiter) => keyOf(waiter.item))) : undefined;
      for (const key of keys ?? []) busy.add(key);
      inFlight += 1;
      void writeBatch(batch).finally(() => {
        inFlight -= 1;
        for (const key of keys ?? []) busy.delete(key);
        pump();
      });
    }
  }

  return (item) => {
    if (pending.length >= options.maxPending) {
      observer?.settled(false, 1);
      return Promise.reject(new GroupCommitFullError(`${pending.length} writes are already waiting`));
    }
    return new Promise<Out>((resolve, reject) => {
      pending.push({ item, deadline: Date.now() + maxWait, resolve, reject });
      if (observer) observer.waiting = pending.length;
      pump();
    });
  };
}
