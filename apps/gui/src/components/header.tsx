import { useEffect, useState } from 'react';
import { href, followLink, type Location, type Page } from '../lib/router.js';
import { formatTime } from '../lib/durations.js';
import { useSession } from '../live.js';
import { HealthBanner } from './health-banner.js';
import { ThemeToggle } from './theme-toggle.js';

const PAGES: ReadonlyArray<readonly [Page, string]> = [
  ['board', 'Heartbeats'],
  ['events', 'Events'],
  ['alerts', 'Alerts'],
  ['channels', 'Channels'],
  ['keys', 'API keys'],
];

const SERVICE_PAGES: ReadonlyArray<Location['page']> = ['service', 'edit-service', 'new-service'];

/** A service's pages belong to the board: its link says so, without claiming to be the page itself. */
function currentness(link: Page, page: Location['page']): 'page' | 'true' | undefined {
  if (link === page) return 'page';
  return link === 'board' && SERVICE_PAGES.includes(page) ? 'true' : undefined;
}

export function Header({ page, onSignOut }: { page: Location['page']; onSignOut: () => void }) {
  return (
    <header className="top">
      <div className="top-inner">
        <a className="brand" href={href('board')} onClick={followLink}>
          <span className="logo" aria-hidden="true" />
          watchtower
        </a>
        <nav aria-label="Pages">
          {PAGES.map(([name, label]) => (
            <a key={name} href={href(name)} onClick={followLink} aria-current={currentness(name, page)}>
              {label}
            </a>
          ))}
        </nav>
        <div className="top-tools">
          <ScopeChip />
          <ConnectionState />
          <ThemeToggle />
          <button type="button" className="ghost" onClick={onSignOut}>
            Sign out
          </button>
        </div>
      </div>
      <OfflineBanner />
      <HealthBanner />
    </header>
  );
}

/** Says, all along, that what is shown cannot be changed with this key. */
function ScopeChip() {
  const { scope, canChange } = useSession();
  if (canChange || !scope) return null;
  return (
    <span className="scope-chip" data-testid="scope" title={`Signed in with a ${scope} key: changes need an admin key or the password`}>
      {scope} only
    </span>
  );
}

function ConnectionState() {
  const { live } = useSession();
  const label = live.status === 'live' ? 'Live' : live.status === 'connecting' ? 'Connecting…' : 'Offline';
  return (
    <span
      className={`connection connection-${live.status}`}
      data-testid="connection"
      role="status"
      title={
        live.status === 'live'
          ? `Live updates since ${formatTime(live.since / 1000)}`
          : live.status === 'offline'
            ? live.reason
            : 'Opening the live stream'
      }
    >
      <span className="dot" aria-hidden="true" />
      {label}
    </span>
  );
}

function OfflineBanner() {
  const { live, retryNow } = useSession();
  const [now, setNow] = useState(Date.now());
  const [offlineSince, setOfflineSince] = useState<number | undefined>();
  useEffect(() => {
    if (live.status === 'live') setOfflineSince(undefined);
    else if (live.status === 'offline') setOfflineSince((since) => since ?? Date.now());
  }, [live]);
  useEffect(() => {
    if (live.status !== 'offline') return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [live.status]);
  if (live.status !== 'offline') return null;
  const seconds = Math.max(0, Math.ceil((live.retryAt - now) / 1000));
  return (
    <div className="offline-banner" role="alert">
      <strong>Offline:</strong> {live.reason}. What you see is as of {offlineSince ? formatTime(offlineSince / 1000) : 'now'} and may be out
      of date; reconnecting {seconds > 0 ? `in ${seconds} s` : 'now'}.{' '}
      <button type="button" className="link" onClick={retryNow}>
        Reconnect now
      </button>
    </div>
  );
}
