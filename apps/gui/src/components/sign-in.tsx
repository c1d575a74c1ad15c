import { useState, type FormEvent } from 'react';
import { describeSignInFailure, signIn, type SignInAnswer } from '../lib/sign-in.js';

export function SignIn({
  notice,
  onSignedIn,
}: {
  notice?: string | undefined;
  onSignedIn: (secret: string, answer: SignInAnswer) => void;
}) {
  const [secret, setSecret] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!secret) {
      setError('Enter the server password or an API key.');
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      onSignedIn(secret, await signIn(secret));
    } catch (failure) {
      setError(describeSignInFailure(failure));
      setBusy(false);
    }
  }

  return (
    <main className="sign-in">
      <form className="card sign-in-card" onSubmit={submit} aria-describedby={error ? 'sign-in-error' : undefined}>
        <h1>
          <span className="logo" aria-hidden="true" /> watchtower
        </h1>
        <p className="muted">Heartbeats and events of your services.</p>
        {notice && !error && (
          <p className="notice" role="status">
            {notice}
          </p>
        )}
        {/* A username field, hidden, lets password managers file the password under this site. */}
        <input type="text" name="username" autoComplete="username" value="watchtower" readOnly hidden />
        <label htmlFor="password">Password or API key</label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          autoFocus
          value={secret}
          onChange={(event) => setSecret(event.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'sign-in-hint sign-in-error' : 'sign-in-hint'}
        />
        <p id="sign-in-hint" className="muted small">
          The server password, or an API key (<code>wt_…</code>) of scope read or admin. A read key shows everything and changes nothing.
        </p>
        {error && (
          <p id="sign-in-error" className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p className="muted small">It is kept for this tab only, until it closes.</p>
      </form>
    </main>
  );
}
