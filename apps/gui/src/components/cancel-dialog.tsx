import type { Heartbeat } from '@watchtower/protocol';
import { useState } from 'react';
import { useSession } from '../live.js';
import { ConfirmDialog } from './confirm-dialog.js';

/** Asks before a service is cancelled; `onDone` gets its new state, or null when kept. */
export function CancelDialog({ heartbeat, onDone }: { heartbeat: Heartbeat; onDone: (hb: Heartbeat | null) => void }) {
  const { api } = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  async function confirm() {
    setBusy(true);
    try {
      const answer = await api.cancel(heartbeat.service);
      onDone(answer.heartBeat);
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
      setBusy(false);
    }
  }
  return (
    <ConfirmDialog
      title={`Cancel ${heartbeat.service}?`}
      confirmLabel="Cancel service"
      cancelLabel="Keep watching"
      busy={busy}
      onConfirm={() => void confirm()}
      onClose={() => onDone(null)}
    >
      <p>
        watchtower stops expecting <strong>{heartbeat.service}</strong>: no alert is sent when it stays silent. Its next pulse arms it
        again.
      </p>
      {error && (
        <p className="error" role="alert">
          Could not cancel: {error}.
        </p>
      )}
    </ConfirmDialog>
  );
}
