import { describe, expect, it } from 'vitest';
import { GroupCommitFullError, groupCommit } from './group-commit.js';

const options = { maxBatch: 100, maxPending: 1000, retryAlone: () => true };

describe('groupCommit', () => {
  it('writes a lone item at once, in a batch of one', async () => {
    const batches: number[][] = [];
    const add = groupCommit(async (items: number[]) => {
      batches.push(items);
      return items.map((n) => n * 2);
    }, options);
    expect(await add(21)).toBe(42);
    expect(batches).toEqual([[21]]);
  });

  it('gathers items that arrive during a write into the next batch', async () => {
    const batches: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((done) => (release = done));
    const add = groupCommit(async (items: number[]) => {
      batches.push(items);
      if (batches.length === 1) await gate;
      return items;
    }, options);
    const first = add(1);
    const rest = [2, 3, 4].map((n) => add(n));
    release();
    expect(await Promise.all([first, ...rest])).toEqual([1, 2, 3, 4]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('splits a long queue into batches of at most maxBatch', async () => {
    const sizes: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((done) => (release = done));
    const add = groupCommit(
      async (items: number[]) => {
        sizes.push(items.length);
        if (sizes.length === 1) await gate;
        return items;
      },
      { ...options, maxBatch: 3 },
    );
    const all = Array.from({ length: 8 }, (_, n) => add(n));
    release();
    await Promise.all(all);
    expect(sizes).toEqual([1, 3, 3, 1]);
  });

  it('retries a failed batch item by item so only the bad item fails', async () => {
    let release!: () => void;
    const gate = new Promise<void>((done) => (release = done));
    let calls = 0;
    const add = groupCommit(async (items: number[]) => {
      calls += 1;
      if (calls === 1) await gate;
      if (items.includes(13)) throw new Error('bad row 13');
      return items;
    }, options);
    const first = add(1);
    const results = Promise.allSettled([add(12), add(13), add(14)]);
    release();
    await first;
    const settled = await results;
    expect(settled.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((settled[1] as PromiseRejectedResult).reason.message).toBe('bad row 13');
  });

  it('fails every waiter of a batch when the error is not worth a retry', async () => {
    let release!: () => void;
    const gate = new Promise<void>((done) => (release = done));
    let calls = 0;
    const add = groupCommit(
      async (items: number[]) => {
        calls += 1;
        if (calls === 1) {
          await gate;
          return items;
        }
        throw new Error('database down');
      },
      { ...options, retryAlone: () => false },
    );
    const first = add(1);
    const results = Promise.allSettled([add(2), add(3)]);
    release();
    await first;
    expect((await results).map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(calls).toBe(2);
  });

  it('refuses new items at once when maxPending are waiting', async () => {
    let release!: () => void;
    const gate = new Promise<void>((done) => (release = done));
    const add = groupCommit(
      async (items: number[]) => {
        await gate;
        return items;
      },
      { ...options, maxPending: 2 },
    );
    const accepted = [add(1), add(2), add(3)];
    await expect(add(4)).rejects.toBeInstanceOf(GroupCommitFullError);
    release();
    expect(await Promise.all(accepted)).toEqual([1, 2, 3]);
  });

  it('keeps working after a failed batch', async () => {
    let fail = true;
    const add = groupCommit(async (items: number[]) => {
      if (fail) throw new Error('once');
      return items;
    }, options);
    await expect(add(1)).rejects.toThrow('once');
    fail = false;
    expect(await add(2)).toBe(2);
  });
});

describe('groupCommit with a bounded wait', () => {
  const bounded = { ...options, maxWaitMs: 200, answerSlackMs: 50 };

  it('fails a write that the database does not commit in time with a WriteTimeoutError, and hands the writer that deadline', async () => {
    const deadlines: number[] = [];
    const add = groupCommit(async (items: number[], deadline: number) => {
      deadlines.push(deadline);
      await new Promise(() => {}); // a database that never answers
      return items;
    }, bounded);
    const before = Date.now();
    await expect(add(1)).rejects.toMatchObject({ name: 'WriteTimeoutError', code: 'WRITE_TIMEOUT' });
    const waited = Date.now() - before;
    expect(waited).toBeGreaterThanOrEqual(240);
    expect(waited).toBeLessThan(5_000);
    expect(deadlines[0]).toBeGreaterThanOrEqual(before + 200);
    expect(deadlines[0]).toBeLessThanOrEqual(before + 1_000);
  });

  it('moves on past a hung batch: writes queued behind it fail in time, and later ones are written', async () => {
    let calls = 0;
    const add = groupCommit(async (items: number[]) => {
      calls += 1;
      if (calls === 1) await new Promise(() => {});
      return items;
    }, bounded);
    const hung = add(1);
    const queued = add(2);
    await expect(hung).rejects.toMatchObject({ code: 'WRITE_TIMEOUT' });
    // 2 waited its whole time behind the hung batch.
    await expect(queued).rejects.toMatchObject({ code: 'WRITE_TIMEOUT' });
    expect(await add(3)).toBe(3);
  });
});

describe('groupCommit with batches in flight', () => {
  interface Item {
    key: string;
    n: number;
  }
  const overlapping = { maxBatch: 100, maxPending: 1000, retryAlone: () => true, maxInFlight: 2, keyOf: (item: Item) => item.key };

  /** A writer whose batches each wait for their own release; it records what it was given and what it committed. */
  function gatedWriter() {
    const started: number[][] = [];
    const committed: number[] = [];
    const releases: Array<() => void> = [];
    const write = async (items: Item[]) => {
      started.push(items.map((item) => item.n));
      await new Promise<void>((done) => releases.push(done));
      committed.push(...items.map((item) => item.n));
      return items.map((item) => item.n);
    };
    return { write, started, committed, releases };
  }

  const settle = () => new Promise((done) => setTimeout(done, 10));

  it('writes a second batch while the first is under way, up to maxInFlight', async () => {
    const writer = gatedWriter();
    const add = groupCommit(writer.write, overlapping);
    const first = add({ key: 'a', n: 1 });
    const second = add({ key: 'b', n: 2 });
    const third = add({ key: 'c', n: 3 });
    await settle();
    // Two under way; the third waits for a free place.
    expect(writer.started).toEqual([[1], [2]]);
    writer.releases[1]!();
    expect(await second).toBe(2);
    await settle();
    expect(writer.started).toEqual([[1], [2], [3]]);
    writer.releases[0]!();
    writer.releases[2]!();
    expect(await Promise.all([first, third])).toEqual([1, 3]);
  });

  it('never puts an item in a batch while an earlier batch under way holds its key', async () => {
    const writer = gatedWriter();
    const add = groupCommit(writer.write, overlapping);
    const first = add({ key: 'a', n: 1 });
    // Same key: it must wait for the first batch; another key may overtake it.
    const sameKey = add({ key: 'a', n: 2 });
    const otherKey = add({ key: 'b', n: 3 });
    await settle();
    expect(writer.started).toEqual([[1], [3]]);
    writer.releases[1]!();
    expect(await otherKey).toBe(3);
    await settle();
    expect(writer.started).toEqual([[1], [3]]);
    writer.releases[0]!();
    expect(await first).toBe(1);
    await settle();
    expect(writer.started).toEqual([[1], [3], [2]]);
    writer.releases[2]!();
    expect(await sameKey).toBe(2);
    // The items of key "a" committed in the order they arrived.
    expect(writer.committed.filter((n) => n !== 3)).toEqual([1, 2]);
  });

  it('writes one batch at a time without a key, whatever maxInFlight says', async () => {
    const writer = gatedWriter();
    const { keyOf: _, ...unkeyed } = overlapping;
    const add = groupCommit(writer.write, unkeyed);
    const first = add({ key: 'a', n: 1 });
    const second = add({ key: 'b', n: 2 });
    await settle();
    expect(writer.started).toEqual([[1]]);
    writer.releases[0]!();
    await first;
    await settle();
    expect(writer.started).toEqual([[1], [2]]);
    writer.releases[1]!();
    expect(await second).toBe(2);
  });
});
