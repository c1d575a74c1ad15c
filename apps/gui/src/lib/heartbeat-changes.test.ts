import type { Heartbeat } from '@watchtower/protocol';
import { describe, expect, it } from 'vitest';
import { applyHeartbeatChange, changedService, heartbeatsByService } from './heartbeat-changes.js';

const heartbeat = (service: string, patch: Partial<Heartbeat> = {}): Heartbeat => ({
  service,
  alertType: 'log',
  alertTarget: 'ops',
  nextIn: 60,
  last: 1_000,
  expected: 1_060,
  alerted: false,
  cancelled: false,
  status: 'alive',
  ...patch,
});

describe('applyHeartbeatChange', () => {
  it('adds or replaces the heartbeat of a pulse', () => {
    const before = heartbeatsByService([heartbeat('a'), heartbeat('b')]);
    const after = applyHeartbeatChange(before, { type: 'heartbeat', heartBeat: heartbeat('a', { last: 2_000 }) });
    expect(after.get('a')?.last).toBe(2_000);
    expect(applyHeartbeatChange(after, { type: 'heartbeat', heartBeat: heartbeat('c') }).size).toBe(3);
    expect(before.get('a')?.last).toBe(1_000);
  });

  it('marks a known service dead and alerted, and ignores an unknown one', () => {
    const before = heartbeatsByService([heartbeat('a')]);
    expect(applyHeartbeatChange(before, { type: 'heartbeat.dead', service: 'a' }).get('a')).toMatchObject({
      status: 'dead',
      alerted: true,
    });
    expect(applyHeartbeatChange(before, { type: 'heartbeat.dead', service: 'unknown' })).toBe(before);
  });

  it('leaves the heartbeats as they are for other changes', () => {
    const before = heartbeatsByService([heartbeat('a')]);
    expect(applyHeartbeatChange(before, { type: 'heartbeat.recovered', service: 'a' })).toBe(before);
    expect(changedService({ type: 'heartbeat.recovered', service: 'a' })).toBeUndefined();
  });

  it('removes a deleted service from the board', () => {
    const before = heartbeatsByService([heartbeat('a'), heartbeat('b')]);
    expect([...applyHeartbeatChange(before, { type: 'heartbeat.deleted', service: 'a' }).keys()]).toEqual(['b']);
    expect(applyHeartbeatChange(before, { type: 'heartbeat.deleted', service: 'gone' })).toBe(before);
    expect(changedService({ type: 'heartbeat.dead', service: 'a' })).toBe('a');
  });
});
