import type { DashboardSettingsResponse } from '@watchtower/protocol';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Header } from './components/header.js';
import { SignIn } from './components/sign-in.js';
import { Api, ApiError } from './lib/api.js';
import { openLiveStream, type LiveState } from './lib/live-stream.js';
import { useLocation } from './lib/router.js';
import { storePassword, storedPassword } from './lib/session.js';
import { LiveHub, SessionContext, type Session } from './live.js';
import { AlertsPage } from './pages/alerts.js';
import { BoardPage } from './pages/board.js';
import { EventsPage } from './pages/events.js';
import { ServicePage } from './pages/service.js';
import { EditServicePage, NewServicePage } from './pages/service-form.js';

type Auth =
  | { step: 'signed-out'; notice?: string }
  | { step: 'checking'; password: string }
  | { step: 'signed-in'; password: string; settings: DashboardSettingsResponse };

export function App() {
  const [auth, setAuth] = useState<Auth>(() => {
    const password = storedPassword();
    return password ? { step: 'checking', password } : { step: 'signed-out' };
  });

  const signOut = useCallback((notice?: string) => {
    storePassword(null);
    setAuth(notice ? { step: 'signed-out', notice } : { step: 'signed-out' });
  }, []);

  // A password kept from earlier in this tab is checked again: it may have been changed.
  useEffect(() => {
    if (auth.step !== 'checking') return;
    const controller = new AbortController();
    new Api(auth.password)
      .settings(controller.signal)
      .then((settings) => setAuth({ step: 'signed-in', password: auth.password, settings }))
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        if (error instanceof ApiError && error.status === 401) signOut('The password was refused; sign in again.');
        else signOut(`Could not check the password: ${error instanceof Error ? error.message : String(error)}.`);
      });
    return () => controller.abort();
  }, [auth, signOut]);

  if (auth.step === 'signed-in') {
    return <SignedIn password={auth.password} settings={auth.settings} signOut={signOut} />;
  }
  if (auth.step === 'checking') {
    return (
      <main className="sign-in" aria-busy="true">
        <p>Signing in…</p>
      </main>
    );
  }
  return (
    <SignIn
      notice={auth.notice}
      onSignedIn={(password, settings) => {
        storePassword(password);
        setAuth({ step: 'signed-in', password, settings });
      }}
    />
  );
}

function SignedIn({
  password,
  settings,
  signOut,
}: {
  password: string;
  settings: DashboardSettingsResponse;
  signOut: (notice?: string) => void;
}) {
  const location = useLocation();
  const [live, setLive] = useState<LiveState>({ status: 'connecting' });
  const [retryNow, setRetryNow] = useState<() => void>(() => () => {});
  const hub = useMemo(() => new LiveHub(), []);
  const api = useMemo(() => new Api(password, () => signOut('The password was refused; sign in again.')), [password, signOut]);

  useEffect(() => {
    const stream = openLiveStream(password, {
      change: (change) => hub.change(change),
      reload: () => hub.reload(),
      state: setLive,
      unauthorized: () => signOut('The password was refused; sign in again.'),
    });
    setRetryNow(() => stream.retryNow);
    return () => stream.close();
  }, [password, hub, signOut]);

  const session: Session = useMemo(() => ({ api, settings, hub, live, retryNow }), [api, settings, hub, live, retryNow]);

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
      </main>
    </SessionContext.Provider>
  );
}
