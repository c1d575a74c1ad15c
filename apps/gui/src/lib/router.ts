import { useEffect, useState, type MouseEvent } from 'react';

/** The dashboard lives under /gui/ (Vite's `base`); its pages are /gui/, /gui/events, /gui/alerts. */
export const BASE = import.meta.env.BASE_URL;

export type Page = 'board' | 'events' | 'alerts';

export interface Location {
  page: Page;
  search: string;
}

export function readLocation(): Location {
  const path = window.location.pathname.startsWith(BASE) ? window.location.pathname.slice(BASE.length) : '';
  const page: Page = path.startsWith('events') ? 'events' : path.startsWith('alerts') ? 'alerts' : 'board';
  return { page, search: window.location.search };
}

export function href(page: Page, search = ''): string {
  return `${BASE}${page === 'board' ? '' : page}${search}`;
}

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
