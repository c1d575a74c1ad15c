import type { Flip } from '@watchtower/protocol';
import { describe, expect, it } from 'vitest';
import { appendFlips, timelineSegments, timelineSummary, uptimeWords } from './history.js';

const H = 3_600;
const END = 1_800_000_000;
const START = END - 24 * H;

const flip = (at: number, from: Flip['from'], to: Flip['to'], cause: Flip['cause'] = 'pulse'): Flip => ({ at, from, to, cause });

describe('timelineSegments', () => {
  it('lays the states of the window end to end from flips listed newest first', () => {
    const flips = [flip(END - 4 * H, 'alive', 'dead', 'deadline'), flip(START - 10 * H, null, 'alive', 'created')];
    expect(timelineSegments(flips, { start: START, end: END, complete: true, current: 'dead' })).toEqual([
      { from: START, to: END - 4 * H, state: 'alive' },
      { from: END - 4 * H, to: END, state: 'dead' },
    ]);
  });

  it('leaves the time before the service was created unrecorded', () => {
    const flips = [flip(END - H, null, 'alive', 'created')];
    expect(timelineSegments(flips, { start: START, end: END, complete: true, current: 'alive' })).toEqual([
      { from: START, to: END - H, state: null },
      { from: END - H, to: END, state: 'alive' },
    ]);
  });

  it('takes the oldest flip’s from state before it when every flip is loaded, and none when more pages remain', () => {
    const flips = [flip(END - H, 'alive', 'paused', 'paused')];
    expect(timelineSegments(flips, { start: START, end: END, complete: true, current: 'paused' })[0]).toEqual({
      from: START,
      to: END - H,
      state: 'alive',
    });
    expect(timelineSegments(flips, { start: START, end: END, complete: false, current: 'paused' })[0]!.state).toBeNull();
  });

  it('shows a service without any flip in its present state, and a server downtime as unknown', () => {
    expect(timelineSegments([], { start: START, end: END, complete: true, current: 'alive' })).toEqual([
      { from: START, to: END, state: 'alive' },
    ]);
    const flips = [
      flip(END - 2 * H, 'unknown', 'alive', 'serverUp'),
      flip(END - 3 * H, 'alive', 'unknown', 'serverDown'),
      flip(START - H, null, 'alive', 'created'),
    ];
    expect(timelineSegments(flips, { start: START, end: END, complete: true, current: 'alive' }).map((s) => s.state)).toEqual([
      'alive',
      'unknown',
      'alive',
    ]);
  });

  it('joins stretches of one state and drops flips after the window', () => {
    const flips = [
      flip(END + H, 'alive', 'dead', 'deadline'),
      flip(END - H, 'started', 'alive'),
      flip(END - H, 'alive', 'started', 'start'),
      flip(START - H, null, 'alive', 'created'),
    ];
    expect(timelineSegments(flips, { start: START, end: END, complete: true, current: 'dead' })).toEqual([
      { from: START, to: END, state: 'alive' },
    ]);
  });
});

describe('timelineSummary', () => {
  it('says how long each state lasted, longest first', () => {
    const summary = timelineSummary([
      { from: START, to: START + H, state: null },
      { from: START + H, to: END - 4 * H, state: 'alive' },
      { from: END - 4 * H, to: END, state: 'dead' },
    ]);
    expect(summary).toBe('alive 19 h, dead 4 h, no record 1 h');
  });
});

describe('uptimeWords', () => {
  it('cuts to a hundredth of a percent, never rounding up to 100 %', () => {
    expect(uptimeWords(20 / 24)).toBe('83.33 %');
    expect(uptimeWords(0.99999)).toBe('99.99 %');
    expect(uptimeWords(1)).toBe('100 %');
    expect(uptimeWords(0)).toBe('0 %');
    expect(uptimeWords(0.5)).toBe('50 %');
    expect(uptimeWords(null)).toBe('no data');
  });
});

describe('appendFlips', () => {
  it('adds a next page after the flips shown and keeps the uptime of the first', () => {
    const uptime = { '24h': 1, '7d': 1, '30d': 1 };
    const first = { flips: [flip(3, 'alive', 'dead')], next: 'a', uptime };
    const second = { flips: [flip(1, null, 'alive', 'created')], next: null, uptime: { '24h': 0, '7d': 0, '30d': 0 } };
    expect(appendFlips(first, second)).toEqual({ flips: [...first.flips, ...second.flips], next: null, uptime });
  });
});
