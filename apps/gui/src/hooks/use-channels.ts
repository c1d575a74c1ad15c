import type { ChannelView } from '@watchtower/protocol';
import { useCallback } from 'react';
import { useReloads, useSession } from '../live.js';
import { useResource } from './use-resource.js';

const byName = (a: ChannelView, b: ChannelView) => a.name.localeCompare(b.name);

/** The named channels, by name, without their secrets; `saved` and `removed` show what this page did. */
export function useChannels() {
  const { api } = useSession();
  const resource = useResource(async (signal) => (await api.channels(signal)).channels, [api]);
  const { update } = resource;
  useReloads(resource.reload);
  const saved = useCallback(
    (channel: ChannelView) => update((channels) => [...channels.filter(({ name }) => name !== channel.name), channel].sort(byName)),
    [update],
  );
  const removed = useCallback((name: string) => update((channels) => channels.filter((channel) => channel.name !== name)), [update]);
  return { ...resource, saved, removed };
}
