import type { CreateKeyResponse } from '@watchtower/protocol';
import { useEffect, useRef } from 'react';
import { curlExample } from '../lib/api-keys.js';
import { serverAddress } from '../lib/api-url.js';
import { CopyButton } from './copy-button.js';

/** The secret of a key just created: shown this once, with a first call that uses it. */
export function NewKeySecret({ created: { key, secret }, onDone }: { created: CreateKeyResponse; onDone: () => void }) {
  const field = useRef<HTMLInputElement>(null);
  // The focus moves to the secret, so that it is read out and ready to copy.
  useEffect(() => field.current?.select(), []);
  const curl = curlExample(serverAddress(), secret, key.scope);
  return (
    <section className="card new-key" aria-labelledby="new-key-title" data-testid="new-key">
      <h2 id="new-key-title">
        Key created: {key.name} <span className={`badge scope-${key.scope}`}>{key.scope}</span>
      </h2>
      <p className="notice" id="new-key-notice">
        <strong>This secret is shown only now; the server keeps only its hash.</strong> Copy it to where it will be used: it cannot be shown
        again. If it is lost, revoke the key and create another.
      </p>
      <div className="snippet">
        <input
          ref={field}
          className="secret"
          type="text"
          readOnly
          value={secret}
          aria-label="Secret"
          aria-describedby="new-key-notice"
          spellCheck={false}
          onFocus={(event) => event.currentTarget.select()}
        />
        <CopyButton text={secret} label="secret" />
      </div>
      <p className="muted small">
        Send it as the password, or as <code>Authorization: Bearer</code>:
      </p>
      <div className="snippet">
        <pre>
          <code data-testid="key-curl">{curl}</code>
        </pre>
        <CopyButton text={curl} label="curl command" />
      </div>
      <div className="form-actions">
        <button type="button" onClick={onDone}>
          Done: hide the secret
        </button>
      </div>
    </section>
  );
}
