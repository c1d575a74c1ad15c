import { describe, expect, it } from 'vitest';
import { createCleanUpStack } from './clean-up-stack.js';

describe('createCleanUpStack', () => {
  it('undoes the steps newest first, each awaited before the next', async () => {
    const undone: string[] = [];
    const stack = createCleanUpStack();
    stack.push('storage', () => void undone.push('storage'));
    stack.push('loops', async () => {
      await new Promise((wait) => setTimeout(wait, 20));
      undone.push('loops');
    });
    stack.push('server', () => void undone.push('server'));
    expect(await stack.unwind(() => undefined)).toBe(true);
    expect(undone).toEqual(['server', 'loops', 'storage']);
  });

  it('reports a failing undo by its step and still undoes the older steps', async () => {
    const undone: string[] = [];
    const failures: Array<[string, unknown]> = [];
    const stack = createCleanUpStack();
    stack.push('storage', () => void undone.push('storage'));
    stack.push('loops', async () => {
      throw new Error('stuck');
    });
    stack.push('server', () => {
      throw new Error('gone');
    });
    expect(await stack.unwind((step, error) => failures.push([step, error]))).toBe(false);
    expect(undone).toEqual(['storage']);
    expect(failures.map(([step, error]) => [step, (error as Error).message])).toEqual([
      ['server', 'gone'],
      ['loops', 'stuck'],
    ]);
  });

  it('undoes each step once, even when unwound twice', async () => {
    let undone = 0;
    const stack = createCleanUpStack();
    stack.push('storage', () => void undone++);
    await stack.unwind(() => undefined);
    expect(await stack.unwind(() => undefined)).toBe(true);
    expect(undone).toBe(1);
  });
});
