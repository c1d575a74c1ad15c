import { describe, expect, it } from 'vitest';
import { escapeControls, formatEvents, formatRelative, formatTable } from './format.js';

describe('formatRelative', () => {
  it('says "in" for the future and "ago" for the past', () => {
    expect([formatRelative(1_060, 1_000), formatRelative(940, 1_000)]).toEqual(['in 1 min', '1 min ago']);
  });
});

describe('formatTable', () => {
  it('pads each column to its widest cell', () => {
    expect(
      formatTable([
        ['A', 'BB'],
        ['ccc', 'd'],
      ]),
    ).toBe('A    BB\nccc  d');
  });
});

describe('formatEvents', () => {
  it('names the level and indents the further lines of a message', () => {
    const text = formatEvents([{ id: 1, service: 'job', level: 40, message: 'failed\nlast line', date: 0 }]);
    const [first, second] = text.split('\n');
    expect(first).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} {2}error {2}job {2}failed$/);
    expect(second).toBe(`${' '.repeat((first ?? '').indexOf('failed'))}last line`);
  });
});

describe('escapeControls', () => {
  it('writes escape sequences, C1 controls, DEL and bidi overrides as visible escapes, and keeps newlines, tabs and other text', () => {
    expect(escapeControls('a\x1b[2J\x1b]0;title\x07\x9b1m\x7f\r\u202egnp.exe\n\tdone é 😀')).toBe(
      'a\\x1b[2J\\x1b]0;title\\x07\\x9b1m\\x7f\\x0d\\u202egnp.exe\n\tdone é 😀',
    );
  });
});

describe('formatTable with control characters', () => {
  it('escapes them and pads by what is shown', () => {
    expect(
      formatTable([
        ['\x1b[2J', 'x'],
        ['abcdefg', 'y'],
      ]),
    ).toBe('\\x1b[2J  x\nabcdefg  y');
  });
});
