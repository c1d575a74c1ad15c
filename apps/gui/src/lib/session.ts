import { KEY_SCOPES, type KeyScope } from '@watchtower/protocol/vocabulary';

const SECRET = 'watchtower.password';
const SCOPE = 'watchtower.scope';

/** What the tab signed in with: the password or an API key, and its scope once known. */
export interface Credentials {
  secret: string;
  scope: KeyScope | undefined;
}

/** The credentials live in sessionStorage: kept while the tab is open, gone when it closes. */
export function storedCredentials(): Credentials | null {
  try {
    const secret = sessionStorage.getItem(SECRET);
    const scope = KEY_SCOPES.find((known) => known === sessionStorage.getItem(SCOPE));
    return secret ? { secret, scope } : null;
  } catch {
    // Storage blocked (privacy settings): the user signs in again after a reload.
    return null;
  }
}

export function storeCredentials(credentials: Credentials | null): void {
  try {
    if (credentials === null) {
      sessionStorage.removeItem(SECRET);
      sessionStorage.removeItem(SCOPE);
      return;
    }
    sessionStorage.setItem(SECRET, credentials.secret);
    if (credentials.scope) sessionStorage.setItem(SCOPE, credentials.scope);
    else sessionStorage.removeItem(SCOPE);
  } catch {
    // Storage blocked: the session lasts as long as the page.
  }
}
