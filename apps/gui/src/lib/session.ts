const KEY = 'watchtower.password';

/** The password lives in sessionStorage: kept while the tab is open, gone when it closes. */
export function storedPassword(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    // Storage blocked (privacy settings): the user signs in again after a reload.
    return null;
  }
}

export function storePassword(password: string | null): void {
  try {
    if (password === null) sessionStorage.removeItem(KEY);
    else sessionStorage.setItem(KEY, password);
  } catch {
    // Storage blocked: the session lasts as long as the page.
  }
}
