import { coversScope, KEY_SCOPES, type KeyScope } from '@watchtower/protocol/vocabulary';

/** What each scope may do, in a sentence. */
export const SCOPE_WORDS: Record<KeyScope, string> = {
  pulse:
    'Sends pulses, run signals (start, fail, log) and events, and cancels services: for the hosts and jobs that report. It cannot read anything.',
  read: 'Reads everything: the dashboard, heartbeats, runs, events, alerts and the list of keys. It cannot change anything.',
  admin: 'Does everything the password does: configures, pauses and deletes services, and creates and revokes keys.',
};

/** The scope a 403 hint names: "this key has scope read; PUT /heartbeat/:service needs an admin key". */
export function scopeFromHint(hint: string): KeyScope | undefined {
  const named = /\bhas scope (\w+)/.exec(hint)?.[1];
  return KEY_SCOPES.find((scope) => scope === named);
}

/** "a read or admin key": the scopes that cover `needed`. */
export function keysCovering(needed: KeyScope): string {
  const scopes = KEY_SCOPES.filter((held) => coversScope(held, needed)).join(' or ');
  return `${/^[aeiou]/.test(scopes) ? 'an' : 'a'} ${scopes} key`;
}

/** Whether credentials of this scope may change what the dashboard shows (services and keys). */
export function canChange(scope: KeyScope): boolean {
  return coversScope(scope, 'admin');
}
