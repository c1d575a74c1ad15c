import { describe, expect, it } from 'vitest';
import { keepHead, keepTail } from './cut-text.js';

describe('keepHead', () => {
  it('keeps the first units, leaving out a character the cut would split', () => {
    expect(keepHead('ab😀c', 3)).toBe('ab');
    expect(keepHead('ab😀c', 4)).toBe('ab😀');
    expect(keepHead('abc', 10)).toBe('abc');
  });
});

describe('keepTail', () => {
  it('keeps the last units, leaving out a character the cut would split', () => {
    expect(keepTail('a😀bc', 3)).toBe('bc');
    expect(keepTail('a😀bc', 4)).toBe('😀bc');
    expect(keepTail('abc', 10)).toBe('abc');
    expect(keepTail('abc', 0)).toBe('');
  });
});
