import type { DashboardSettingsResponse } from '@watchtower/protocol';
import { coversScope, type KeyScope } from '@watchtower/protocol/vocabulary';
import { Api, ApiError } from './api.js';
import { keysCovering, scopeFromHint } from './scopes.js';

export interface SignInAnswer {
  settings: DashboardSettingsResponse;
  /** Undefined when the server did not say (an older server); a later 403 will. */
  scope: KeyScope | undefined;
}

/**
 * Checks a secret (the password or a key) against the server: the settings come back when
 * it may read them, with its scope (`known` spares asking again).
 */
export async function signIn(
  secret: string,
  { known, signal }: { known?: KeyScope | undefined; signal?: AbortSignal } = {},
): Promise<SignInAnswer> {
  const settings = await new Api(secret).settings(signal);
  return { settings, scope: known ?? settings.scope };
}

/**
 * Why signing in failed, in a sentence for the form. A key that cannot read (a pulse key)
 * is told which keys the dashboard needs, from the scope the server's 403 hint names.
 */
export function describeSignInFailure(failure: unknown): string {
  if (failure instanceof ApiError && failure.status === 401) return 'Wrong password or key. Try again.';
  if (failure instanceof ApiError && failure.status === 403) {
    const scope = scopeFromHint(failure.hint);
    if (scope && !coversScope(scope, 'read'))
      return `Cannot sign in: this key has scope ${scope}; the dashboard needs ${keysCovering('read')}.`;
  }
  return `Cannot sign in: ${failure instanceof Error ? failure.message : String(failure)}.`;
}
