import type { Heartbeat } from '@watchtower/protocol';
import { describe, expect, it } from 'vitest';
import {
  boardStatus,
  boardViewFromSearch,
  countByStatus,
  filterHeartbeats,
  searchFromBoardView,
  sortHeartbeats,
} from './heartbeat-status.js';

const NOW = 1_000_000;

function hb(service: string, fields: Partial<Heartbeat> = {}): Heartbeat {
  const nextIn = fields.nextIn ?? 100;
  const last = fields.last ?? NOW - 10;
  return {
    service,
    alertType: 'log',
    alertTarget: 'ops',
    nextIn,
    last,
    expected: last + nextIn,
    alerted: false,
    cancelled: false,
    status: 'alive',
    ...fields,
  };
}

describe('boardStatus', () => {
  it('is alive close to its deadline when the service has no warnBefore', () => {
    expect(boardStatus(hb('a', { last: NOW - 99, nextIn: 100 }), NOW)).toBe('alive');
    expect(boardStatus(hb('a', { last: NOW - 99, nextIn: 100, warnBefore: null }), NOW)).toBe('alive');
  });

  it('is late from warnBefore ahead of the deadline until the deadline', () => {
    expect(boardStatus(hb('a', { last: NOW - 69, nextIn: 100, warnBefore: 30 }), NOW)).toBe('alive');
    expect(boardStatus(hb('a', { last: NOW - 70, nextIn: 100, warnBefore: 30 }), NOW)).toBe('late');
    expect(boardStatus(hb('a', { last: NOW - 100, nextIn: 100, warnBefore: 30 }), NOW)).toBe('late');
    expect(boardStatus(hb('a', { last: NOW - 101, nextIn: 100, warnBefore: 30 }), NOW)).toBe('dead');
  });

  it('is late rather than running when a run is under way near the deadline, as the server says', () => {
    expect(boardStatus(hb('a', { status: 'started', last: NOW - 80, nextIn: 100, warnBefore: 30 }), NOW)).toBe('late');
    expect(boardStatus(hb('a', { status: 'started', last: NOW - 10, nextIn: 100, warnBefore: 30 }), NOW)).toBe('started');
  });

  it('believes the server when it says late and gives no warnBefore', () => {
    expect(boardStatus(hb('a', { status: 'late' }), NOW)).toBe('late');
  });

  it('is dead as soon as the deadline passes, before the server says so', () => {
    expect(boardStatus(hb('a', { last: NOW - 101, nextIn: 100 }), NOW)).toBe('dead');
    expect(boardStatus(hb('a', { last: NOW - 100, nextIn: 100 }), NOW)).toBe('alive');
  });

  it('believes the server when it says dead', () => {
    expect(boardStatus(hb('a', { status: 'dead' }), NOW)).toBe('dead');
  });

  it('is cancelled whatever the deadline', () => {
    expect(boardStatus(hb('a', { cancelled: true, status: 'cancelled', last: NOW - 1_000 }), NOW)).toBe('cancelled');
  });
});

describe('sorting and filtering', () => {
  const board = [
    hb('web', { last: NOW - 5 }),
    hb('backup', { last: NOW - 500 }),
    hb('old', { cancelled: true, status: 'cancelled' }),
    hb('cron', { last: NOW - 90, warnBefore: 30 }),
    hb('api', { last: NOW - 600 }),
  ];

  it('puts dead first, then late soon, alive and cancelled, each by name', () => {
    expect(sortHeartbeats(board, 'status', NOW).map((h) => h.service)).toEqual(['api', 'backup', 'cron', 'web', 'old']);
  });

  it('sorts by name, by deadline and by last pulse', () => {
    expect(sortHeartbeats(board, 'name', NOW).map((h) => h.service)).toEqual(['api', 'backup', 'cron', 'old', 'web']);
    expect(sortHeartbeats(board, 'deadline', NOW)[0]!.service).toBe('api');
    expect(sortHeartbeats(board, 'last', NOW)[0]!.service).toBe('api');
  });

  it('filters by a part of the name in any case, and by status', () => {
    expect(filterHeartbeats(board, { text: 'B', statuses: [] }, NOW).map((h) => h.service)).toEqual(['web', 'backup']);
    expect(filterHeartbeats(board, { text: '', statuses: ['dead'] }, NOW).map((h) => h.service)).toEqual(['backup', 'api']);
    expect(filterHeartbeats(board, { text: 'a', statuses: ['late'] }, NOW)).toEqual([]);
  });

  it('counts each status', () => {
    expect(countByStatus(board, NOW)).toEqual({ dead: 2, late: 1, alive: 1, cancelled: 1, started: 0, new: 0, paused: 0 });
  });

  it('shows a paused or new service as such, whatever its deadline, and a run past its deadline as dead', () => {
    expect(boardStatus(hb('nightly', { status: 'paused', expected: NOW - 5 }), NOW)).toBe('paused');
    expect(boardStatus(hb('fresh', { status: 'new', expected: NOW - 5 }), NOW)).toBe('new');
    expect(boardStatus(hb('backup', { status: 'started' }), NOW)).toBe('started');
    expect(boardStatus(hb('hung', { status: 'started', expected: NOW - 1 }), NOW)).toBe('dead');
  });
});

describe('board view in the URL', () => {
  it('round-trips the name filter, statuses and sort', () => {
    const view = { text: 'web 1', statuses: ['late', 'dead'] as const, sort: 'name' as const };
    const search = searchFromBoardView({ ...view, statuses: [...view.statuses] });
    expect(search).toBe('?q=web+1&status=dead%2Clate&sort=name');
    expect(boardViewFromSearch(search)).toEqual({ text: 'web 1', statuses: ['dead', 'late'], sort: 'name' });
  });

  it('leaves the URL bare for the default view and ignores unknown values', () => {
    expect(searchFromBoardView({ text: '', statuses: [], sort: 'status' })).toBe('');
    expect(boardViewFromSearch('?status=zombie,dead&sort=size')).toEqual({ text: '', statuses: ['dead'], sort: 'status' });
  });
});
