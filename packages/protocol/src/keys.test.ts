import { describe, expect, it } from 'vitest';
import { CreateKeyRequest, CreateKeyResponse, DeleteKeyResponse, describeIssues, Key, ListKeysResponse } from './index.js';

function hint(result: { success: boolean; error?: Parameters<typeof describeIssues>[0] }): string {
  expect(result.success).toBe(false);
  return describeIssues(result.error!);
}

const SCOPES = 'one of pulse, read, admin (pulse: signals and events; read: every GET; admin: everything)';

describe('CreateKeyRequest', () => {
  it('takes a name and a scope', () => {
    for (const scope of ['pulse', 'read', 'admin']) {
      expect(CreateKeyRequest.parse({ name: 'backup host', scope })).toEqual({ name: 'backup host', scope });
    }
  });

  it.each([
    [{ scope: 'read' }, 'name is required: a string of 1 to 100 characters'],
    [{ name: '', scope: 'read' }, 'name must not be empty'],
    [{ name: 'x'.repeat(101), scope: 'read' }, 'name must be at most 100 characters; received 101'],
    [{ name: 'a\nb', scope: 'read' }, 'name must not contain control characters'],
    [{ name: 'ci' }, `scope is required: ${SCOPES}`],
    [{ name: 'ci', scope: 'write' }, `scope must be ${SCOPES}; received the string "write"`],
    [{ name: 'ci', scope: 'Admin' }, `scope must be ${SCOPES}; received the string "Admin"`],
    [{ name: 'ci', scope: 'read', expires: 1 }, 'unknown field expires'],
  ])('refuses %j', (body, message) => {
    expect(hint(CreateKeyRequest.safeParse(body))).toBe(message);
  });
});

describe('key answers', () => {
  const key = { id: 'k_3f9a', name: 'ci', scope: 'pulse', created: 1_767_225_600, lastUsed: null };

  it('show a key without its secret, and the secret once on creation', () => {
    expect(Key.parse({ ...key, secret: 'hidden' })).toEqual(key);
    expect(CreateKeyResponse.parse({ result: 200, key, secret: 'wt_abc' }).secret).toBe('wt_abc');
    expect(CreateKeyResponse.safeParse({ result: 200, key }).success).toBe(false);
  });

  it('list keys, and answer a revocation with the key revoked', () => {
    expect(ListKeysResponse.parse({ result: 200, keys: [key, { ...key, id: 'k_2', lastUsed: 1_767_225_700 }] }).keys).toHaveLength(2);
    expect(DeleteKeyResponse.parse({ result: 200, key })).toEqual({ result: 200, key });
  });

  it('refuse a scope outside pulse, read and admin', () => {
    expect(Key.safeParse({ ...key, scope: 'owner' }).success).toBe(false);
  });
});
