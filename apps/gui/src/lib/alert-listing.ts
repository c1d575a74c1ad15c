import type { AlertDelivery } from '@watchtower/protocol';

/** How many alerts the alerts page lists. */
export const ALERTS_SHOWN = 100;

/** An alert that changed, in its place among those listed (newest first, at most ALERTS_SHOWN). */
export function placeAlert(alerts: readonly AlertDelivery[], changed: AlertDelivery): AlertDelivery[] {
  const rest = alerts.filter((alert) => alert.id !== changed.id);
  return [changed, ...rest].sort((a, b) => b.created - a.created).slice(0, ALERTS_SHOWN);
}
