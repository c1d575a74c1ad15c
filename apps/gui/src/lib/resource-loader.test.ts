import { describe, expect, it } from 'vitest';
import { ResourceLoader, type ResourceState } from './resource-loader.js';

/** A request whose answer the test gives when it wants, and which records its signal. */
function request<T>() {
  let answer!: (value: T) => void;
  let fail!: (error: unknown) => void;
  let signal: AbortSignal | undefined;
  const promise = new Promise<T>((resolve, reject) => {
    answer = resolve;
    fail = reject;
  });
  const fetcher = (given: AbortSignal) => {
    signal = given;
    return promise;
  };
  return { fetcher, answer, fail, signal: () => signal };
}

function watchedLoader<T>() {
  const states: ResourceState<T>[] = [];
  const loader = new ResourceLoader<T>((state) => states.push(state));
  return { loader, states };
}

describe('ResourceLoader, between loads', () => {
  it('shows the answer of the latest load when an earlier load answers later', async () => {
    const { loader } = watchedLoader<string>();
    const slow = request<string>();
    const fast = request<string>();
    const first = loader.load(slow.fetcher, { fresh: true });
    const second = loader.load(fast.fetcher, { fresh: true });
    fast.answer('second');
    await second;
    slow.answer('first');
    await first;
    expect(loader.state).toEqual({ data: 'second', error: undefined, loading: false });
  });

  it('ignores the failure of a load that a later one replaced', async () => {
    const { loader } = watchedLoader<string>();
    const failing = request<string>();
    const later = request<string>();
    const first = loader.load(failing.fetcher);
    const second = loader.load(later.fetcher);
    failing.fail(new Error('too late to matter'));
    await first;
    expect(loader.state.error).toBeUndefined();
    expect(loader.state.loading).toBe(true);
    later.answer('fine');
    await second;
    expect(loader.state).toEqual({ data: 'fine', error: undefined, loading: false });
  });

  it('aborts the load in flight when another starts', () => {
    const { loader } = watchedLoader<string>();
    const first = request<string>();
    const second = request<string>();
    void loader.load(first.fetcher);
    expect(first.signal()?.aborted).toBe(false);
    void loader.load(second.fetcher);
    expect(first.signal()?.aborted).toBe(true);
    expect(second.signal()?.aborted).toBe(false);
  });

  it('aborts the load in flight when stopped, and ignores its answer', async () => {
    const { loader, states } = watchedLoader<string>();
    const pending = request<string>();
    const load = loader.load(pending.fetcher);
    loader.stop();
    expect(pending.signal()?.aborted).toBe(true);
    pending.answer('unwanted');
    await load;
    expect(states).toEqual([{ data: undefined, error: undefined, loading: true }]);
  });
});

describe('ResourceLoader, what it shows', () => {
  it('keeps what is shown while the same question is asked again', async () => {
    const { loader, states } = watchedLoader<string>();
    await loader.load(() => Promise.resolve('before'));
    const again = request<string>();
    const reload = loader.load(again.fetcher);
    expect(loader.state).toEqual({ data: 'before', error: undefined, loading: true });
    again.answer('after');
    await reload;
    expect(states.map((state) => state.data)).toEqual([undefined, 'before', 'before', 'after']);
  });

  it('drops what is shown at once when the question changes', async () => {
    const { loader } = watchedLoader<string>();
    await loader.load(() => Promise.reject(new Error('down')));
    await loader.load(() => Promise.resolve('old question'));
    void loader.load(() => new Promise<string>(() => {}), { fresh: true });
    expect(loader.state).toEqual({ data: undefined, error: undefined, loading: true });
  });

  it('keeps the data shown and reports why when a load fails', async () => {
    const { loader } = watchedLoader<string>();
    await loader.load(() => Promise.resolve('shown'));
    const failure = new Error('the server cannot be reached');
    await loader.load(() => Promise.reject(failure));
    expect(loader.state).toEqual({ data: 'shown', error: failure, loading: false });
    await loader.load(() => Promise.resolve('back'));
    expect(loader.state).toEqual({ data: 'back', error: undefined, loading: false });
  });

  it('applies a change made during a load to its answer', async () => {
    const { loader } = watchedLoader<number[]>();
    await loader.load(() => Promise.resolve([1]));
    const reload = request<number[]>();
    const load = loader.load(reload.fetcher);
    loader.update((numbers) => [...numbers, 9]);
    expect(loader.state.data).toEqual([1, 9]);
    reload.answer([1, 2]);
    await load;
    expect(loader.state.data).toEqual([1, 2, 9]);
    loader.update((numbers) => [...numbers, 10]);
    expect(loader.state.data).toEqual([1, 2, 9, 10]);
  });
});

describe('ResourceLoader, extensions', () => {
  it('applies the answer of an extension to the data shown', async () => {
    const { loader } = watchedLoader<number[]>();
    await loader.load(() => Promise.resolve([1]));
    await loader.extend(() => Promise.resolve((numbers: number[]) => [...numbers, 2]));
    expect(loader.state).toEqual({ data: [1, 2], error: undefined, loading: false });
  });

  it('ignores and aborts an extension when a load starts meanwhile', async () => {
    const { loader } = watchedLoader<number[]>();
    await loader.load(() => Promise.resolve([1]));
    const more = request<(numbers: number[]) => number[]>();
    const extension = loader.extend(more.fetcher);
    const reload = loader.load(() => Promise.resolve([5]));
    expect(more.signal()?.aborted).toBe(true);
    more.answer((numbers) => [...numbers, 2]);
    await Promise.all([extension, reload]);
    expect(loader.state.data).toEqual([5]);
  });

  it('does not extend while a load runs', async () => {
    const { loader } = watchedLoader<number[]>();
    await loader.load(() => Promise.resolve([1]));
    void loader.load(() => new Promise<number[]>(() => {}));
    let asked = false;
    await loader.extend(() => {
      asked = true;
      return Promise.resolve((numbers: number[]) => [...numbers, 2]);
    });
    expect(asked).toBe(false);
    expect(loader.state.data).toEqual([1]);
  });

  it('reports why an extension failed and keeps the data shown', async () => {
    const { loader } = watchedLoader<number[]>();
    await loader.load(() => Promise.resolve([1]));
    const failure = new Error('the server answered 500');
    await loader.extend(() => Promise.reject(failure));
    expect(loader.state).toEqual({ data: [1], error: failure, loading: false });
  });
});
