import { describe, expect, it } from 'vitest';
import { describeIssues, FLIP_STATUSES, HEARTBEAT_STATUSES, HistoryQuery, HistoryResponse, UP_STATUSES, UPTIME_WINDOWS } from './index.js';

function hint(result: { success: boolean; error?: Parameters<typeof describeIssues>[0] }): string {
  expect(result.success).toBe(false);
  return describeIssues(result.error!);
}

describe('HistoryQuery', () => {
  it('asks for 50 flips when no limit is given', () => {
    expect(HistoryQuery.parse({})).toEqual({ limit: 50 });
  });

  it('takes a limit as text, and a cursor', () => {
    expect(HistoryQuery.parse({ limit: '1000', before: 'abc' })).toEqual({ limit: 1_000, before: 'abc' });
  });

  it.each([
    ['1001', 'limit must be at most 1000'],
    ['0', 'limit must be at least 1'],
    ['2.5', 'limit must be a whole number'],
  ])('refuses the limit %s', (limit, message) => {
    expect(hint(HistoryQuery.safeParse({ limit }))).toBe(message);
  });

  it('names an unknown parameter', () => {
    expect(hint(HistoryQuery.safeParse({ from: '1' }))).toMatch(/from/);
  });
});

describe('HistoryResponse', () => {
  it('reads flips and uptimes, null where nothing is known', () => {
    const answer = {
      result: 200,
      flips: [
        { at: 1_767_268_800, from: 'alive', to: 'dead', cause: 'deadline' },
        { at: 1_767_200_000, from: null, to: 'new', cause: 'created' },
      ],
      next: null,
      uptime: { '24h': 0.8333, '7d': 1, '30d': null },
    };
    expect(HistoryResponse.parse(answer)).toEqual(answer);
  });

  it('refuses an uptime above 1 and a cause it does not know', () => {
    const flip = { at: 1, from: 'alive', to: 'dead', cause: 'deadline' };
    expect(HistoryResponse.safeParse({ result: 200, flips: [], next: null, uptime: { '24h': 1.2, '7d': 1, '30d': 1 } }).success).toBe(
      false,
    );
    expect(
      HistoryResponse.safeParse({ result: 200, flips: [{ ...flip, cause: 'magic' }], next: null, uptime: { '24h': 1, '7d': 1, '30d': 1 } })
        .success,
    ).toBe(false);
  });
});

describe('the history words', () => {
  it('names every HB status as a flip status, with snoozed and unknown', () => {
    expect(FLIP_STATUSES).toEqual([...HEARTBEAT_STATUSES, 'snoozed', 'unknown']);
  });

  it('counts only states a service is watched in as up', () => {
    expect(UP_STATUSES).toEqual(['alive', 'started', 'late']);
  });

  it('measures uptime over a day, a week and 30 days', () => {
    expect(UPTIME_WINDOWS).toEqual({ '24h': 86_400, '7d': 604_800, '30d': 2_592_000 });
  });
});
