/**
 * An API path (`/heartbeats`) as the address to fetch: beside the dashboard's folder, so
 * that a reverse proxy's path prefix is kept (`/watchtower/gui/` calls `/watchtower/heartbeats`).
 */
export function apiUrl(path: string): string {
  return new URL(`..${path}`, document.baseURI).href;
}

/** The server's address as this browser reaches it (with any proxy's prefix), without a trailing slash. */
export function serverAddress(): string {
  return apiUrl('/').replace(/\/$/, '');
}
