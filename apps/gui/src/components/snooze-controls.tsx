import type { Heartbeat } from '@watchtower/protocol';
import { useState } from 'react';
import { activeSnooze } from '../lib/snooze.js';
import { useSession } from '../live.js';
import { SnoozeDialog } from './snooze-dialog.js';

type Act = (what: string, call: () => Promise<{ heartBeat: Heartbeat }>) => Promise<void>;

/**
 * "Snooze…" (a dialog of spans) and, while a snooze lasts, "End snooze". `act` sends a
 * change and reports its failure; `onChanged` gets the service snoozed.
 */
export function SnoozeControls({
  heartbeat: hb,
  now,
  busy,
  act,
  onChanged,
}: {
  heartbeat: Heartbeat;
  now: number;
  busy: boolean;
  act: Act;
  onChanged: (hb: Heartbeat) => void;
}) {
  const { api } = useSession();
  const [asking, setAsking] = useState(false);
  const snoozed = activeSnooze(hb, now) !== null;
  return (
    <>
      <button type="button" disabled={busy} onClick={() => setAsking(true)}>
        {snoozed ? 'Snooze again…' : 'Snooze…'}
      </button>
      {snoozed && (
        <button type="button" disabled={busy} onClick={() => void act('end the snooze of', () => api.unsnoozeService(hb.service))}>
          End snooze
        </button>
      )}
      {asking && (
        <SnoozeDialog
          title={`Snooze ${hb.service}?`}
          confirmLabel="Snooze"
          onClose={() => setAsking(false)}
          onSnooze={async (span) => {
            onChanged((await api.snoozeService(hb.service, span)).heartBeat);
            setAsking(false);
          }}
        >
          <p>
            No alert goes out for <strong>{hb.service}</strong> meanwhile. If it dies during the snooze, its owner is alerted when the
            snooze ends, if it is still dead.
          </p>
        </SnoozeDialog>
      )}
    </>
  );
}
