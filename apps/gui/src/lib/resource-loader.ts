/** Asks for a resource; `signal` aborts the request when its answer is no longer wanted. */
export type Fetcher<T> = (signal: AbortSignal) => Promise<T>;

/** A change made on the page (a live update, a next page) to the data shown. */
export type Change<T> = (data: T) => T;

export interface ResourceState<T> {
  /** The latest answer, with the changes made since; undefined until the first answer for this question. */
  data: T | undefined;
  /** Why the latest load failed; undefined when it did not. */
  error: unknown;
  loading: boolean;
}

export const EMPTY_STATE: ResourceState<never> = { data: undefined, error: undefined, loading: false };

/**
 * Loads one resource at a time and says what to show. A load aborts the one in flight,
 * whose answer (or failure) is then ignored: the page shows the answer to its latest question.
 */
export class ResourceLoader<T> {
  #state: ResourceState<T> = EMPTY_STATE;
  #controller: AbortController | undefined;
  /** The changes made while a load runs: applied to its answer too, so that none is lost. */
  #pending: Change<T>[] | undefined;

  constructor(private readonly onState: (state: ResourceState<T>) => void) {}

  get state(): ResourceState<T> {
    return this.#state;
  }

  /**
   * Loads again. `fresh`: the question changed, so what is shown (data and error) goes at
   * once; otherwise it stays until the answer replaces it.
   */
  async load(fetcher: Fetcher<T>, { fresh = false } = {}): Promise<void> {
    this.#controller?.abort();
    const controller = new AbortController();
    const changes: Change<T>[] = [];
    this.#controller = controller;
    this.#pending = changes;
    this.#set(fresh ? { ...EMPTY_STATE, loading: true } : { ...this.#state, loading: true });
    let answer: T;
    try {
      answer = await fetcher(controller.signal);
    } catch (error) {
      if (controller !== this.#controller) return;
      this.#pending = undefined;
      this.#set({ ...this.#state, error, loading: false });
      return;
    }
    if (controller !== this.#controller) return;
    this.#pending = undefined;
    this.#set({ data: changes.reduce((data, change) => change(data), answer), error: undefined, loading: false });
  }

  /** Changes the data shown; a load in flight applies the change to its answer too. */
  update(change: Change<T>): void {
    this.#pending?.push(change);
    if (this.#state.data !== undefined) this.#set({ ...this.#state, data: change(this.#state.data) });
  }

  /**
   * Asks for more of what is shown (a next page) and applies the change it answers. Nothing
   * happens while a load runs; a load started meanwhile aborts it and its answer is ignored.
   */
  async extend(fetcher: Fetcher<Change<T>>): Promise<void> {
    const controller = this.#controller;
    if (!controller || this.#pending || this.#state.data === undefined) return;
    try {
      const change = await fetcher(controller.signal);
      if (controller === this.#controller) this.update(change);
    } catch (error) {
      if (controller === this.#controller) this.#set({ ...this.#state, error });
    }
  }

  /** Aborts the load in flight and ignores every answer still to come. */
  stop(): void {
    this.#controller?.abort();
    this.#controller = undefined;
    this.#pending = undefined;
  }

  #set(state: ResourceState<T>): void {
    this.#state = state;
    this.onState(state);
  }
}
