import type { CreateKeyResponse, Key } from '@watchtower/protocol';
import { useEffect, useState } from 'react';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { CreateKeyForm } from '../components/key-form.js';
import { KeysTable } from '../components/keys-table.js';
import { LoadError } from '../components/load-error.js';
import { NewKeySecret } from '../components/new-key-secret.js';
import { ReadOnlyNote } from '../components/read-only-note.js';
import { useKeys } from '../hooks/use-keys.js';
import { useNow, useSession } from '../live.js';

/** API keys: the list, a form to create one (its secret shown once), and revoking with a question first. */
export function KeysPage() {
  const { canChange } = useSession();
  // Offered as the page opened: a refusal that shows the key is read-only leaves the form, and its message, in place.
  const [offered] = useState(canChange);
  const { data: keys, error, reload, added, removed } = useKeys();
  const [created, setCreated] = useState<CreateKeyResponse | undefined>();
  const [revoking, setRevoking] = useState<Key | undefined>();
  const now = useNow(5_000);
  useEffect(() => {
    document.title = 'API keys · watchtower';
    return () => {
      document.title = 'watchtower';
    };
  }, []);

  return (
    <section aria-labelledby="keys-title">
      <div className="page-head">
        <h1 id="keys-title">API keys</h1>
        <p className="muted">
          Give each host or tool a key of its own, with the least scope it needs, and revoke it alone when it leaks. The server password is
          an admin key too.
        </p>
        <ReadOnlyNote action="Creating or revoking a key" />
      </div>
      {created && <NewKeySecret created={created} onDone={() => setCreated(undefined)} />}
      {offered && !created && (
        <CreateKeyForm
          onCreated={(answer) => {
            added(answer.key);
            setCreated(answer);
          }}
        />
      )}
      <section className="block" aria-labelledby="keys-list-title">
        <h2 id="keys-list-title">Keys</h2>
        <LoadError what="keys" error={error} onRetry={reload} />
        {!keys && !error && <p className="muted">Loading…</p>}
        {keys && keys.length === 0 && (
          <p className="muted" data-testid="no-keys">
            No key yet: only the server password signs in.
          </p>
        )}
        {keys && keys.length > 0 && <KeysTable keys={keys} now={now} onRevoke={canChange ? setRevoking : undefined} />}
      </section>
      {revoking && (
        <RevokeDialog
          apiKey={revoking}
          onDone={(revoked) => {
            if (revoked) removed(revoked.id);
            setRevoking(undefined);
          }}
        />
      )}
    </section>
  );
}

/** Asks before a key is revoked; `onDone` gets the key revoked, or undefined when kept. */
function RevokeDialog({ apiKey, onDone }: { apiKey: Key; onDone: (revoked: Key | undefined) => void }) {
  const { api } = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  async function confirm() {
    setBusy(true);
    try {
      onDone((await api.deleteKey(apiKey.id)).key);
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
      setBusy(false);
    }
  }
  return (
    <ConfirmDialog
      title={`Revoke ${apiKey.name}?`}
      confirmLabel="Revoke key"
      busy={busy}
      onConfirm={() => void confirm()}
      onClose={() => onDone(undefined)}
    >
      <p>
        Whatever sends this {apiKey.scope} key is refused from now on
        {apiKey.scope === 'pulse' ? ', its ping URLs (/ping/KEY/service) included' : ''}. This cannot be undone: to replace it, create a new
        key.
      </p>
      {error && (
        <p className="error" role="alert">
          Could not revoke the key: {error}.
        </p>
      )}
    </ConfirmDialog>
  );
}
