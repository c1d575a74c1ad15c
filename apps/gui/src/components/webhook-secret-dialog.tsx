import { useEffect, useRef } from 'react';
import { CopyButton } from './copy-button.js';

/** A webhook channel's signing secret, just made by the server: shown this once, in a modal, with a copy button. */
export function WebhookSecretDialog({ name, secret, onDone }: { name: string; secret: string; onDone: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const field = useRef<HTMLInputElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    // The focus moves to the secret, so that it is read out and ready to copy.
    field.current?.select();
    return () => element?.close();
  }, []);
  return (
    <dialog
      ref={dialog}
      className="card dialog new-key"
      aria-labelledby="webhook-secret-title"
      data-testid="webhook-secret"
      onClose={() => {
        if (!dialog.current?.open) onDone();
      }}
    >
      <h2 id="webhook-secret-title">Signing secret of {name}</h2>
      <p className="notice" id="webhook-secret-notice">
        <strong>This secret is shown only now.</strong> The receiver checks each request’s signature with it (Standard Webhooks: the
        webhook-signature header). Copy it there: it cannot be shown again; for another, edit the channel and make a new one.
      </p>
      <div className="snippet">
        <input
          ref={field}
          className="secret"
          type="text"
          readOnly
          value={secret}
          aria-label="Signing secret"
          aria-describedby="webhook-secret-notice"
          spellCheck={false}
          onFocus={(event) => event.currentTarget.select()}
        />
        <CopyButton text={secret} label="signing secret" />
      </div>
      <div className="dialog-actions">
        <button type="button" className="primary" onClick={onDone}>
          Done: hide the secret
        </button>
      </div>
    </dialog>
  );
}
