/** How to undo the steps taken so far: each step that succeeds pushes its undo. */
export interface CleanUpStack {
  push(step: string, undo: () => unknown): void;
  /**
   * Undoes every step, newest first, each awaited before the next. A failing undo is
   * reported and the older steps are still undone. Answers whether every undo succeeded.
   */
  unwind(report: (step: string, error: unknown) => void): Promise<boolean>;
}

export function createCleanUpStack(): CleanUpStack {
  const steps: Array<{ step: string; undo: () => unknown }> = [];
  return {
    push: (step, undo) => void steps.push({ step, undo }),
    unwind: async (report) => {
      let clean = true;
      for (let next = steps.pop(); next; next = steps.pop()) {
        try {
          await next.undo();
        } catch (error) {
          clean = false;
          report(next.step, error);
        }
      }
      return clean;
    },
  };
}
