import type { Key } from '@watchtower/protocol';
import { useCallback } from 'react';
import { useReloads, useSession } from '../live.js';
import { useResource } from './use-resource.js';

/** The API keys, newest first, without their secrets; `added` and `removed` show what this page did. */
export function useKeys() {
  const { api } = useSession();
  const resource = useResource(async (signal) => (await api.keys(signal)).keys, [api]);
  const { update } = resource;
  useReloads(resource.reload);
  const added = useCallback((key: Key) => update((keys) => [key, ...keys.filter(({ id }) => id !== key.id)]), [update]);
  const removed = useCallback((id: string) => update((keys) => keys.filter((key) => key.id !== id)), [update]);
  return { ...resource, added, removed };
}
