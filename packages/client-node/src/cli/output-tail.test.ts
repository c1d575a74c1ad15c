import { describe, expect, it } from 'vitest';
import { OutputTail } from './output-tail.js';

describe('OutputTail', () => {
  it('keeps the last lines and counts all of them', () => {
    const tail = new OutputTail(2);
    tail.write('stdout', Buffer.from('one\ntwo\nthree\n'));
    tail.end();
    expect(tail.lines()).toEqual(['two', 'three']);
    expect(tail.total).toBe(3);
  });

  it('joins a line and a character split across chunks', () => {
    const tail = new OutputTail(5);
    const bytes = Buffer.from('café au lait\n');
    tail.write('stdout', bytes.subarray(0, 4));
    tail.write('stdout', bytes.subarray(4));
    tail.end();
    expect(tail.lines()).toEqual(['café au lait']);
  });

  it('keeps the lines of each stream apart', () => {
    const tail = new OutputTail(5);
    tail.write('stdout', Buffer.from('progress: '));
    tail.write('stderr', Buffer.from('warning: low disk\n'));
    tail.write('stdout', Buffer.from('done\n'));
    tail.end();
    expect(tail.lines()).toEqual(['warning: low disk', 'progress: done']);
  });

  it('counts an unfinished last line once the streams end', () => {
    const tail = new OutputTail(5);
    tail.write('stdout', Buffer.from('first\nno newline'));
    tail.end();
    expect(tail.lines()).toEqual(['first', 'no newline']);
  });

  it('shows a redrawn line as it ended, without colours or control characters', () => {
    const tail = new OutputTail(5);
    tail.write('stdout', Buffer.from('10%\r50%\r\x1b[32m100%\x1b[0m done\x07\r\n'));
    tail.end();
    expect(tail.lines()).toEqual(['100% done']);
  });

  it('cuts a very long line', () => {
    const tail = new OutputTail(1, 10);
    tail.write('stdout', Buffer.from(`${'x'.repeat(50)}\n`));
    tail.end();
    expect(tail.lines()).toEqual([`${'x'.repeat(10)}…`]);
  });

  it('cuts a long line between characters, never inside an emoji', () => {
    const tail = new OutputTail(1, 10);
    tail.write('stdout', Buffer.from(`x${'😀'.repeat(20)}\n`));
    tail.end();
    expect(tail.lines()).toEqual([`x${'😀'.repeat(4)}…`]);
  });

  it('keeps the end of a very long unfinished line from a whole character on', () => {
    const tail = new OutputTail(1, 100_000);
    tail.write('stdout', Buffer.from(`${'😀'.repeat(5_000)}y`));
    tail.write('stdout', Buffer.from('\n'));
    tail.end();
    const [line = ''] = tail.lines();
    expect(line).toMatch(/^(😀)+y$/);
    expect(line.length).toBeLessThanOrEqual(8_192);
  });
});
