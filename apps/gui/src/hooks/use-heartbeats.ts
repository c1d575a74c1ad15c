import type { Heartbeat } from '@watchtower/protocol';
import { useCallback, useState } from 'react';
import { applyHeartbeatChange, changedService, heartbeatsByService } from '../lib/heartbeat-changes.js';
import { useChanges, useReloads, useSession } from '../live.js';
import { useResource } from './use-resource.js';

/** Every heartbeat, kept up to date by the stream; `updated` says when each service last changed (ms). */
export function useHeartbeats() {
  const { api } = useSession();
  const resource = useResource(async (signal) => heartbeatsByService((await api.heartbeats(signal)).heartBeats), [api]);
  const { update } = resource;
  const [updated, setUpdated] = useState<ReadonlyMap<string, number>>(new Map());

  useReloads(resource.reload);
  useChanges((change) => {
    const service = changedService(change);
    if (service === undefined) return;
    update((current) => applyHeartbeatChange(current, change));
    setUpdated((current) => new Map(current).set(service, Date.now()));
  });

  const replace = useCallback((heartbeat: Heartbeat) => update((current) => new Map(current).set(heartbeat.service, heartbeat)), [update]);

  return { heartbeats: resource.data, error: resource.error, loading: resource.loading, reload: resource.reload, replace, updated };
}
