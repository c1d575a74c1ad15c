import type { CreateKeyResponse } from '@watchtower/protocol';
import { KEY_SCOPES, type KeyScope } from '@watchtower/protocol/vocabulary';
import { useId, useRef, useState, type FormEvent } from 'react';
import { describeFailure } from '../lib/api.js';
import { checkKeyName } from '../lib/api-keys.js';
import { SCOPE_WORDS } from '../lib/scopes.js';
import { useSession } from '../live.js';

/** Names a new key and picks its scope, each scope said in a sentence; `onCreated` gets the answer with the secret. */
export function CreateKeyForm({ onCreated }: { onCreated: (created: CreateKeyResponse) => void }) {
  const { api } = useSession();
  const [name, setName] = useState('');
  const [scope, setScope] = useState<KeyScope>('pulse');
  const [nameError, setNameError] = useState<string | undefined>();
  const [message, setMessage] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const nameField = useRef<HTMLInputElement>(null);
  const id = useId();

  async function submit(event: FormEvent) {
    event.preventDefault();
    const checked = checkKeyName(name);
    if ('error' in checked) {
      setNameError(checked.error);
      nameField.current?.focus();
      return;
    }
    setBusy(true);
    setMessage(undefined);
    try {
      onCreated(await api.createKey({ name: checked.name, scope }));
    } catch (failure) {
      setMessage(describeFailure(failure, 'create the key'));
      setBusy(false);
    }
  }

  return (
    <form className="card key-form" onSubmit={submit} noValidate aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>New key</h2>
      <div className="form-message" aria-live="assertive" aria-atomic="true">
        {message && (
          <p className="error" data-testid="key-form-message">
            {message}
          </p>
        )}
      </div>
      <div className="field-row">
        <div className="field">
          <label htmlFor={`${id}-name`}>Name</label>
          <input
            ref={nameField}
            id={`${id}-name`}
            name="name"
            type="text"
            autoComplete="off"
            value={name}
            onChange={(event) => {
              setName(event.target.value);
              setNameError(undefined);
            }}
            aria-invalid={nameError ? true : undefined}
            aria-describedby={nameError ? `${id}-name-hint ${id}-name-error` : `${id}-name-hint`}
          />
          <span id={`${id}-name-hint`} className="hint">
            Who or what holds it: backup host, CI, Grafana.
          </span>
          {nameError && (
            <span id={`${id}-name-error`} className="field-error">
              {nameError}
            </span>
          )}
        </div>
        <div className="field">
          <label htmlFor={`${id}-scope`}>Scope</label>
          <select
            id={`${id}-scope`}
            name="scope"
            value={scope}
            onChange={(event) => setScope(event.target.value as KeyScope)}
            aria-describedby={`${id}-scope-hint`}
          >
            {KEY_SCOPES.map((choice) => (
              <option key={choice} value={choice}>
                {choice}
              </option>
            ))}
          </select>
          <span id={`${id}-scope-hint`} className="hint" data-testid="scope-words">
            {SCOPE_WORDS[scope]}
          </span>
        </div>
      </div>
      <div className="form-actions">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Creating…' : 'Create key'}
        </button>
      </div>
    </form>
  );
}
