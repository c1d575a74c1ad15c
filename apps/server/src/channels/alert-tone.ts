import { LEVELS } from '@watchtower/protocol';
import type { AlertRow } from '../db/schema.js';

/** How an alert looks in a provider that shows a colour, an icon or a priority. */
export type AlertTone = 'bad' | 'warning' | 'good' | 'info';

/**
 * A death, a failed run or a reminder of one is bad, and so is an event of level error or
 * above; a late notice or a warning event is a warning; a recovery is good.
 */
export function toneOf(alert: Pick<AlertRow, 'kind' | 'details'>): AlertTone {
  switch (alert.kind) {
    case 'down':
    case 'failed':
    case 'reminder':
      return 'bad';
    case 'late':
      return 'warning';
    case 'recovered':
      return 'good';
    case 'event': {
      const level = Number((alert.details as { level?: unknown }).level);
      if (level >= LEVELS.error) return 'bad';
      return level >= LEVELS.warning ? 'warning' : 'info';
    }
  }
}
