import type { DashboardSettingsResponse } from '@watchtower/protocol';
import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { Header } from './components/header.js';
import { SignIn } from './components/sign-in.js';
import { Api, ApiError } from './lib/api.js';
import { openLiveStream, type LiveState } from './lib/live-stream.js';
import { useLocation } from './lib/router.js';
import { canChange, scopeFromHint } from './lib/scopes.js';
import { storeCredentials, storedCredentials, type Credentials } from './lib/session.js';
import { describeSignInFailure, signIn, type SignInAnswer } from './lib/sign-in.js';
import { LiveHub, SessionContext, type Session } from './live.js';
import { AlertsPage } from './pages/alerts.js';
import { BoardPage } from './pages/board.js';
import { EventsPage } from './pages/events.js';
import { KeysPage } from './pages/keys.js';
import { ServicePage } from './pages/service.js';
import { EditServicePage, NewServicePage } from './pages/service-form.js';

// Visited now and then: loaded when first opened, so that a first visit downloads less.
const ChannelsPage = lazy(() => import('./pages/channels.js').then(({ ChannelsPage }) => ({ default: ChannelsPage })));

type Auth =
  | { step: 'signed-out'; notice?: string }
  | { step: 'checking'; credentials: Credentials }
  | { step: 'signed-in'; credentials: Credentials; settings: DashboardSettingsResponse };

const REFUSED = 'The password or key was refused (wrong, or the key was revoked); sign in again.';

export function App() {
  const [auth, setAuth] = useState<Auth>(() => {
    const credentials = storedCredentials();
    return credentials ? { step: 'checking', credentials } : { step: 'signed-out' };
  });

  const signOut = useCallback((notice?: string) => {
    storeCredentials(null);
    setAuth(notice ? { step: 'signed-out', notice } : { step: 'signed-out' });
  }, []);

  const signedIn = useCallback((secret: string, { settings, scope }: SignInAnswer) => {
    storeCredentials({ secret, scope });
    setAuth({ step: 'signed-in', credentials: { secret, scope }, settings });
  }, []);

  // Credentials kept from earlier in this tab are checked again: the password may have changed, the key been revoked.
  useEffect(() => {
    if (auth.step !== 'checking') return;
    const controller = new AbortController();
    const { secret, scope } = auth.credentials;
    signIn(secret, { known: scope, signal: controller.signal })
      .then((answer) => !controller.signal.aborted && signedIn(secret, answer))
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        signOut(error instanceof ApiError && error.status === 401 ? REFUSED : describeSignInFailure(error));
      });
    return () => controller.abort();
  }, [auth, signOut, signedIn]);

  if (auth.step === 'signed-in') {
    return <SignedIn credentials={auth.credentials} settings={auth.settings} signOut={signOut} />;
  }
  if (auth.step === 'checking') {
    return (
      <main className="sign-in" aria-busy="true">
        <p>Signing in…</p>
      </main>
    );
  }
  return <SignIn notice={auth.notice} onSignedIn={signedIn} />;
}

function SignedIn({
  credentials: { secret, scope: initialScope },
  settings,
  signOut,
}: {
  credentials: Credentials;
  settings: DashboardSettingsResponse;
  signOut: (notice?: string) => void;
}) {
  const location = useLocation();
  const [live, setLive] = useState<LiveState>({ status: 'connecting' });
  const [retryNow, setRetryNow] = useState<() => void>(() => () => {});
  const [scope, setScope] = useState(initialScope);
  const hub = useMemo(() => new LiveHub(), []);
  const api = useMemo(
    () =>
      new Api(secret, {
        onUnauthorized: () => signOut(REFUSED),
        // A scope unknown at sign-in (the server was out of reach) is learned from the first refusal.
        onForbidden: (hint) => {
          const named = scopeFromHint(hint);
          if (!named) return;
          setScope(named);
          storeCredentials({ secret, scope: named });
        },
      }),
    [secret, signOut],
  );

  useEffect(() => {
    const stream = openLiveStream(secret, {
      change: (change) => hub.change(change),
      reload: () => hub.reload(),
      state: setLive,
      unauthorized: () => signOut(REFUSED),
    });
    setRetryNow(() => stream.retryNow);
    return () => stream.close();
  }, [secret, hub, signOut]);

  // Until the server says otherwise, changes are offered: it refuses what the key may not do.
  const changes = scope === undefined || canChange(scope);
  const session: Session = useMemo(
    () => ({ api, settings, hub, live, retryNow, scope, canChange: changes }),
    [api, settings, hub, live, retryNow, scope, changes],
  );

  return (
    <SessionContext.Provider value={session}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <Header page={location.page} onSignOut={() => signOut()} />
      <main id="main" tabIndex={-1}>
        {location.page === 'board' && <BoardPage search={location.search} />}
        {location.page === 'events' && <EventsPage search={location.search} />}
        {location.page === 'alerts' && <AlertsPage search={location.search} />}
        {location.page === 'service' && <ServicePage key={location.service} service={location.service} />}
        {location.page === 'edit-service' && <EditServicePage key={location.service} service={location.service} />}
        {location.page === 'new-service' && <NewServicePage />}
        {location.page === 'channels' && (
          <Suspense fallback={<p className="muted">Loading…</p>}>
            <ChannelsPage />
          </Suspense>
        )}
        {location.page === 'keys' && <KeysPage />}
      </main>
    </SessionContext.Provider>
  );
}
