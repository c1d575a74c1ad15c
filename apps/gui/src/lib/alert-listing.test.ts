import type { AlertDelivery } from '@watchtower/protocol';
import { describe, expect, it } from 'vitest';
import { ALERTS_SHOWN, placeAlert } from './alert-listing.js';

const alert = (id: string, created: number, patch: Partial<AlertDelivery> = {}): AlertDelivery => ({
  id,
  kind: 'down',
  service: 'web',
  channel: 'log',
  target: 'ops',
  status: 'pending',
  attempts: 0,
  lastError: null,
  created,
  sent: null,
  nextAttempt: null,
  ...patch,
});

describe('placeAlert', () => {
  it('replaces an alert listed and adds a new one in date order, newest first', () => {
    const listed = [alert('b', 200), alert('a', 100)];
    const sent = placeAlert(listed, alert('a', 100, { status: 'sent' }));
    expect(sent.map((a) => [a.id, a.status])).toEqual([
      ['b', 'pending'],
      ['a', 'sent'],
    ]);
    expect(placeAlert(sent, alert('c', 300)).map((a) => a.id)).toEqual(['c', 'b', 'a']);
  });

  it('keeps the list at its length', () => {
    const full = Array.from({ length: ALERTS_SHOWN }, (_, index) => alert(`old-${index}`, 1_000 - index));
    const after = placeAlert(full, alert('new', 2_000));
    expect(after).toHaveLength(ALERTS_SHOWN);
    expect(after[0]?.id).toBe('new');
    expect(after.some((a) => a.id === `old-${ALERTS_SHOWN - 1}`)).toBe(false);
  });
});
