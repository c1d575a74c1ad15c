import type { DashboardSettingsResponse } from '@watchtower/protocol';
import { useState, type FormEvent } from 'react';
import { ApiError, signIn } from '../lib/api.js';

export function SignIn({
  notice,
  onSignedIn,
}: {
  notice?: string | undefined;
  onSignedIn: (password: string, settings: DashboardSettingsResponse) => void;
}) {
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!password) {
      setError('Enter the server password.');
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      onSignedIn(password, await signIn(password));
    } catch (failure) {
      if (failure instanceof ApiError && failure.status === 401) setError('Wrong password. Try again.');
      else setError(`Cannot sign in: ${failure instanceof Error ? failure.message : String(failure)}.`);
      setBusy(false);
    }
  }

  return (
    <main className="sign-in">
      <form className="card sign-in-card" onSubmit={submit} aria-describedby={error ? 'sign-in-error' : undefined}>
        <h1>
          <span className="logo" aria-hidden="true" /> watchtower
        </h1>
        <p className="muted">Heartbeats and events of your services. Sign in with the server password.</p>
        {notice && !error && (
          <p className="notice" role="status">
            {notice}
          </p>
        )}
        {/* A username field, hidden, lets password managers file the password under this site. */}
        <input type="text" name="username" autoComplete="username" value="watchtower" readOnly hidden />
        <label htmlFor="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          autoFocus
          value={password}
          onChange={(event) => setPassword(event.target.value)}
          aria-invalid={error ? true : undefined}
        />
        {error && (
          <p id="sign-in-error" className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p className="muted small">The password is kept for this tab only, until it closes.</p>
      </form>
    </main>
  );
}
