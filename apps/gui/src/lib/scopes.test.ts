import { KEY_SCOPES } from '@watchtower/protocol/vocabulary';
import { describe, expect, it } from 'vitest';
import { canChange, keysCovering, SCOPE_WORDS, scopeFromHint } from './scopes.js';

describe('scopeFromHint', () => {
  it('reads the scope a 403 hint names', () => {
    expect(scopeFromHint('this key has scope read; PUT /heartbeat/:service needs an admin key')).toBe('read');
    expect(scopeFromHint('this key has scope pulse; GET /dashboard-settings needs a read or admin key')).toBe('pulse');
  });

  it('names no scope when the hint names none it knows', () => {
    expect(scopeFromHint('the password is wrong')).toBeUndefined();
    expect(scopeFromHint('this key has scope superuser; …')).toBeUndefined();
  });
});

describe('keysCovering', () => {
  it('names every scope that covers the one needed, with its article', () => {
    expect(keysCovering('read')).toBe('a read or admin key');
    expect(keysCovering('pulse')).toBe('a pulse or admin key');
    expect(keysCovering('admin')).toBe('an admin key');
  });
});

describe('canChange', () => {
  it('lets only an admin key change services and keys', () => {
    expect(KEY_SCOPES.filter(canChange)).toEqual(['admin']);
  });
});

describe('SCOPE_WORDS', () => {
  it('says in a sentence what each scope may do', () => {
    for (const scope of KEY_SCOPES) expect(SCOPE_WORDS[scope]).toMatch(/^[A-Z].+\.$/);
  });
});
