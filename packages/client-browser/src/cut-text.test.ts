import { describe, expect, it } from 'vitest';
import { keepHead } from './cut-text.js';

describe('keepHead', () => {
  it('keeps the first units, leaving out a character the cut would split', () => {
    expect(keepHead('ab😀c', 3)).toBe('ab');
    expect(keepHead('ab😀c', 4)).toBe('ab😀');
    expect(keepHead('abc', 10)).toBe('abc');
  });

  it('keeps nothing for a length of zero or less', () => {
    expect(keepHead('abc', 0)).toBe('');
    expect(keepHead('abc', -5)).toBe('');
  });
});
