import type { Heartbeat } from '@watchtower/protocol';
import { useState } from 'react';
import { followLink, serviceHref } from '../lib/router.js';
import { useSession } from '../live.js';
import { ConfirmDialog } from './confirm-dialog.js';
import { ReadOnlyNote } from './read-only-note.js';
import { SnoozeControls } from './snooze-controls.js';

const reason = (failure: unknown) => (failure instanceof Error ? failure.message : String(failure));

/** Pause or resume, snooze, edit, and delete (after a question); `onChanged` gets the service as the server now has it. */
export function ServiceActions({
  heartbeat: hb,
  now,
  onChanged,
  onDeleted,
}: {
  heartbeat: Heartbeat;
  now: number;
  onChanged: (hb: Heartbeat) => void;
  onDeleted: () => void;
}) {
  const { api, canChange } = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [confirming, setConfirming] = useState(false);
  const paused = hb.status === 'paused';

  async function act(what: string, call: () => Promise<{ heartBeat: Heartbeat }>) {
    setBusy(true);
    setError(undefined);
    try {
      onChanged((await call()).heartBeat);
    } catch (failure) {
      setError(`Could not ${what} ${hb.service}: ${reason(failure)}.`);
    } finally {
      setBusy(false);
    }
  }

  async function remove() {
    setBusy(true);
    try {
      await api.deleteService(hb.service);
      onDeleted();
    } catch (failure) {
      setError(`Could not delete ${hb.service}: ${reason(failure)}.`);
      setConfirming(false);
      setBusy(false);
    }
  }

  return (
    <div className="service-actions">
      <ReadOnlyNote action="Pausing, snoozing, editing or deleting a service" />
      {/* The error stays when the buttons go: a refusal may be what told the page this key is read-only. */}
      {canChange && (
        <div className="form-actions">
          {paused ? (
            <button type="button" disabled={busy} onClick={() => void act('resume', () => api.resumeService(hb.service))}>
              Resume
            </button>
          ) : (
            <button type="button" disabled={busy} onClick={() => void act('pause', () => api.pauseService(hb.service))}>
              Pause
            </button>
          )}
          <SnoozeControls heartbeat={hb} now={now} busy={busy} act={act} onChanged={onChanged} />
          <a className="button" href={serviceHref(hb.service, { edit: true })} onClick={followLink}>
            Edit
          </a>
          <button type="button" className="danger-outline" disabled={busy} onClick={() => setConfirming(true)}>
            Delete…
          </button>
        </div>
      )}
      <p className="error" role="alert">
        {error}
      </p>
      {confirming && (
        <ConfirmDialog
          title={`Delete ${hb.service}?`}
          confirmLabel="Delete service"
          cancelLabel="Keep it"
          busy={busy}
          onConfirm={() => void remove()}
          onClose={() => setConfirming(false)}
        >
          <p>
            watchtower forgets <strong>{hb.service}</strong> with its runs and its signal log, and sends no alert for it. Its ping URL stops
            working. This cannot be undone.
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}
