import { ALERTS_SHOWN, placeAlert } from '../lib/alert-listing.js';
import { useChanges, useReloads, useSession } from '../live.js';
import { useResource } from './use-resource.js';

/** The latest alerts, of one service when `service` is not empty, kept up to date by the stream. */
export function useAlerts(service: string) {
  const { api } = useSession();
  const resource = useResource(
    async (signal) => {
      const query = new URLSearchParams({ limit: String(ALERTS_SHOWN) });
      if (service) query.set('service', service);
      return (await api.alerts(query.toString(), signal)).alerts;
    },
    [api, service],
  );
  const { update } = resource;

  useReloads(resource.reload);
  useChanges((change) => {
    if (change.type !== 'alert' || (service && change.alert.service !== service)) return;
    update((current) => placeAlert(current, change.alert));
  });
  return resource;
}
