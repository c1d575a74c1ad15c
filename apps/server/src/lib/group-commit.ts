/** Why a write was not accepted into a group commit. */
export class GroupCommitFullError extends Error {
  override name = 'GroupCommitFullError';
}

export interface GroupCommitOptions {
  /** Items written by one statement at most. */
  maxBatch: number;
  /** Items waiting at most; past that a write is refused at once instead of queueing forever. */
  maxPending: number;
  /** Whether a failed batch is worth retrying item by item (a data error), or fails all (an outage). */
  retryAlone: (error: unknown) => boolean;
}

interface Waiter<In, Out> {
  item: In;
  resolve: (value: Out) => void;
  reject: (error: unknown) => void;
}

/**
 * Turns a writer of many items into a writer of one: items that arrive while a batch is
 * being written wait and go together in the next one, so concurrent requests share one
 * statement and one commit. A lone item is written at once, with no added delay. Each
 * promise settles after its own item's commit (or failure); `write` must answer one
 * result per item, in order.
 */
export function groupCommit<In, Out>(
  write: (items: In[]) => Promise<Out[]>,
  options: GroupCommitOptions,
): (item: In) => Promise<Out> {
  const pending: Array<Waiter<In, Out>> = [];
  let writing = false;

  async function writeBatch(batch: Array<Waiter<In, Out>>): Promise<void> {
    try {
      const results = await write(batch.map((waiter) => waiter.item));
      if (results.length !== batch.length) {
        throw new Error(`group commit: ${results.length} results for ${batch.length} items`);
      }
      batch.forEach((waiter, index) => waiter.resolve(results[index]!));
    } catch (error) {
      if (batch.length > 1 && options.retryAlone(error)) {
        // One bad item must not fail the others: each goes again on its own.
        for (const waiter of batch) await writeBatch([waiter]);
        return;
      }
      for (const waiter of batch) waiter.reject(error);
    }
  }

  async function drain(): Promise<void> {
    writing = true;
    try {
      while (pending.length > 0) {
        await writeBatch(pending.splice(0, options.maxBatch));
      }
    } finally {
      writing = false;
    }
  }

  return (item) => {
    if (pending.length >= options.maxPending) {
      return Promise.reject(new GroupCommitFullError(`${pending.length} writes are already waiting`));
    }
    return new Promise<Out>((resolve, reject) => {
      pending.push({ item, resolve, reject });
      if (!writing) void drain();
    });
  };
}
