import type { Heartbeat, StreamChange } from '@watchtower/protocol';

export type Heartbeats = ReadonlyMap<string, Heartbeat>;

/** The heartbeats of an answer, by service. */
export function heartbeatsByService(heartbeats: readonly Heartbeat[]): Heartbeats {
  return new Map(heartbeats.map((hb) => [hb.service, hb]));
}

/** A stream change applied to the board's heartbeats. */
export function applyHeartbeatChange(heartbeats: Heartbeats, change: StreamChange): Heartbeats {
  if (change.type === 'heartbeat') {
    return new Map(heartbeats).set(change.heartBeat.service, change.heartBeat);
  }
  if (change.type === 'heartbeat.dead') {
    const known = heartbeats.get(change.service);
    if (!known) return heartbeats;
    return new Map(heartbeats).set(change.service, { ...known, status: 'dead', alerted: true });
  }
  if (change.type === 'heartbeat.deleted') {
    if (!heartbeats.has(change.service)) return heartbeats;
    const rest = new Map(heartbeats);
    rest.delete(change.service);
    return rest;
  }
  return heartbeats;
}

/** The service a change is about, when it changes the board. */
export function changedService(change: StreamChange): string | undefined {
  if (change.type === 'heartbeat') return change.heartBeat.service;
  if (change.type === 'heartbeat.dead' || change.type === 'heartbeat.deleted') return change.service;
  return undefined;
}
