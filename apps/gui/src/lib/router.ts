import { useEffect, useState, type MouseEvent } from 'react';

/**
 * The dashboard lives under /gui/, or under a reverse proxy's prefix before it: the folder
 * its page's `<base href>` (written by the server) names. Its pages are /gui/, /gui/events,
 * /gui/alerts, /gui/channels, /gui/keys.
 */
export const BASE = typeof document === 'undefined' ? '/gui/' : new URL(document.baseURI).pathname;

/** The pages named in the header. */
export type Page = 'board' | 'events' | 'alerts' | 'channels' | 'keys';

/**
 * Where the dashboard is: a page of the header, or a service's own pages:
 * /gui/services/:service, /gui/services/:service/edit and /gui/new-service.
 */
export type Location =
  | { page: Page; search: string }
  | { page: 'service' | 'edit-service'; service: string; search: string }
  | { page: 'new-service'; search: string };

/** The page a path (below BASE) names; a service's name is one URL-encoded segment. */
export function locationOf(path: string, search: string): Location {
  if (path.startsWith('events')) return { page: 'events', search };
  if (path.startsWith('alerts')) return { page: 'alerts', search };
  if (/^keys\/?$/.test(path)) return { page: 'keys', search };
  if (/^channels\/?$/.test(path)) return { page: 'channels', search };
  if (path === 'new-service') return { page: 'new-service', search };
  const match = /^services\/([^/]+)(\/edit)?\/?$/.exec(path);
  const service = match ? decodeSegment(match[1]!) : undefined;
  if (match && service) return { page: match[2] ? 'edit-service' : 'service', service, search };
  return { page: 'board', search };
}

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    // A malformed escape (%E0%A4%A) names no service: the board is shown instead.
    return undefined;
  }
}

export function readLocation(): Location {
  const path = window.location.pathname.startsWith(BASE) ? window.location.pathname.slice(BASE.length) : '';
  return locationOf(path, window.location.search);
}

export function href(page: Page, search = ''): string {
  return `${BASE}${page === 'board' ? '' : page}${search}`;
}

/** The page of one service, or its edit form. */
export function serviceHref(service: string, { edit = false } = {}): string {
  return `${BASE}services/${encodeURIComponent(service)}${edit ? '/edit' : ''}`;
}

/** The channels page, scrolled to one channel's row when named. */
export function channelHref(name?: string): string {
  return `${BASE}channels${name === undefined ? '' : `#channel-${encodeURIComponent(name)}`}`;
}

export const newServiceHref = (): string => `${BASE}new-service`;

const listeners = new Set<() => void>();

/** Goes to a page of the dashboard without reloading; `replace` keeps the history entry (typing in a filter). */
export function navigate(to: string, { replace = false } = {}): void {
  if (to === window.location.pathname + window.location.search) return;
  if (replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  for (const listener of listeners) listener();
}

export function useLocation(): Location {
  const [location, setLocation] = useState(readLocation);
  useEffect(() => {
    const update = () => setLocation(readLocation());
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return location;
}

/** A plain click on a link navigates in place; a click with a modifier opens a tab as usual. */
export function followLink(event: MouseEvent<HTMLAnchorElement>): void {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  navigate(event.currentTarget.getAttribute('href') ?? BASE);
}
