import { createHash } from 'node:crypto';
import { pino } from 'pino';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ApiKeyRow } from '../src/db/schema.js';
import { findKeyBySecret } from '../src/domain/keys/find-keys.js';
import { createKeyUseRecorder } from '../src/domain/keys/record-key-use.js';
import { DATABASE_KINDS } from './support/databases.js';
import { useTestApp, type TestApp } from './support/test-app.js';

// Every line the app logs, to show what it writes and what it never does.
const logLines: string[] = [];
const log = pino({ level: 'info' }, { write: (line: string) => void logLines.push(line) });

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The keys as GET /keys answers them, asked with the password. */
async function listedKeys(t: TestApp) {
  return (await (await t.call('GET', '/keys')).json()).keys as Array<Record<string, unknown>>;
}

async function lastUsedOf(t: TestApp, id: string) {
  return (await listedKeys(t)).find((key) => key.id === id)?.lastUsed;
}

describe.each(DATABASE_KINDS)('API keys on %s', (kind) => {
  const t = useTestApp(kind, { log });
  beforeEach(() => {
    logLines.length = 0;
  });

  describe('POST /keys, GET /keys and DELETE /keys/:id', () => {
    it('creates a key and shows its secret once', async () => {
      const response = await t.call('POST', '/keys', { name: 'backup host', scope: 'pulse' });
      expect(response.status).toBe(200);
      const answer = await response.json();
      expect(answer).toEqual({
        result: 200,
        key: {
          id: expect.stringMatching(/^key_[0-9a-f]{12}$/),
          name: 'backup host',
          scope: 'pulse',
          created: t.clock.now().getTime() / 1000,
          lastUsed: null,
        },
        secret: expect.stringMatching(/^wt_[A-Za-z0-9_-]{43}$/),
      });
      const listed = await t.call('GET', '/keys');
      const text = await listed.text();
      expect(text).not.toContain(answer.secret);
      expect(JSON.parse(text).keys).toEqual([answer.key]);
    });

    it('gives each key its own id and secret', async () => {
      const first = await t.createKey('read');
      const second = await t.createKey('read');
      expect(first.id).not.toBe(second.id);
      expect(first.secret).not.toBe(second.secret);
    });

    it('lists keys newest first, without secrets', async () => {
      await t.createKey('pulse', 'first');
      t.clock.advance(60);
      await t.createKey('read', 'second');
      t.clock.advance(60);
      await t.createKey('admin', 'third');
      const keys = await listedKeys(t);
      expect(keys.map((key) => key.name)).toEqual(['third', 'second', 'first']);
      for (const key of keys) expect(Object.keys(key).sort()).toEqual(['created', 'id', 'lastUsed', 'name', 'scope']);
    });

    it('revokes a key, answering it as it was; a second revoke is a 404', async () => {
      const { id } = await t.createKey('pulse', 'old laptop');
      const response = await t.call('DELETE', `/keys/${id}`);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ result: 200, key: { id, name: 'old laptop', scope: 'pulse' } });
      expect(await listedKeys(t)).toEqual([]);
      const again = await t.call('DELETE', `/keys/${id}`);
      expect(again.status).toBe(404);
      expect(await again.json()).toMatchObject({ code: 'NOT_FOUND', hint: `no key with id "${id}"; GET /keys lists them` });
    });

    it('answers 404 for an id that cannot be a key, a NUL among them', async () => {
      for (const id of ['%00', 'key_%00', 'nonsense', `key_${'a'.repeat(65)}`]) {
        const response = await t.call('DELETE', `/keys/${id}`);
        expect({ id, status: response.status }).toEqual({ id, status: 404 });
      }
    });

    it.each([
      [{ name: 'ci', scope: 'write' }, 'scope must be one of pulse, read, admin'],
      [{ name: 'ci' }, 'scope'],
      [{ name: '', scope: 'read' }, 'name must not be empty'],
      [{ scope: 'read' }, 'name is required'],
      [{ name: 'ci', scope: 'read', secret: 'mine' }, 'secret'],
    ])('refuses %j with a 400 that names the field, storing nothing', async (body, hint) => {
      const response = await t.call('POST', '/keys', body);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ code: 'VALIDATION_FAILED', hint: expect.stringContaining(hint) });
      expect(await t.count('api_keys')).toBe(0);
    });
  });

  describe('storage', () => {
    it('keeps only the SHA-256 of the secret, never the secret itself', async () => {
      const { id, secret } = await t.createKey('admin');
      const rows = await t.storage.query<Record<string, unknown>>('select * from api_keys', []);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ id, secret_hash: sha256(secret) });
      for (const value of Object.values(rows[0]!)) expect(String(value)).not.toContain(secret.slice(3));
    });

    it('finds a key by its secret, and nothing by its hash or its id', async () => {
      const { id, secret } = await t.createKey('read');
      const context = { db: t.storage, clock: t.clock };
      expect((await findKeyBySecret(context, { secret }))?.id).toBe(id);
      expect(await findKeyBySecret(context, { secret: sha256(secret) })).toBeNull();
      expect(await findKeyBySecret(context, { secret: id })).toBeNull();
    });
  });

  describe('lastUsed', () => {
    it('is null until the key is used, then the time of its use', async () => {
      const { id, secret } = await t.createKey('read');
      expect(await lastUsedOf(t, id)).toBeNull();
      t.clock.advance(120);
      const usedAt = t.clock.now().getTime() / 1000;
      expect((await t.call('GET', '/heartbeats', undefined, { password: secret })).status).toBe(200);
      await expect.poll(() => lastUsedOf(t, id)).toBe(usedAt);
    });

    it('is written at most once a minute per key, by this process and by another', async () => {
      const { id, secret } = await t.createKey('pulse');
      const context = { db: t.storage, clock: t.clock };
      const onError = (error: unknown) => {
        throw error;
      };
      const row = async () => (await findKeyBySecret(context, { secret })) as ApiKeyRow;
      const recordUse = createKeyUseRecorder(context, { onError });
      const firstUse = t.clock.now().getTime() / 1000;
      await recordUse(await row());
      expect(await lastUsedOf(t, id)).toBe(firstUse);
      t.clock.advance(59);
      await recordUse(await row());
      // Another process, which has not written this key yet and read it before the first write.
      await createKeyUseRecorder(context, { onError })({ ...(await row()), lastUsedAt: null });
      expect(await lastUsedOf(t, id)).toBe(firstUse);
      t.clock.advance(2);
      await recordUse(await row());
      expect(await lastUsedOf(t, id)).toBe(firstUse + 61);
    });

    it('logs a failed write and still answers the request; the next use writes it', async () => {
      const { id, secret } = await t.createKey('read');
      await t.storage.query(
        `create function refuse_key_use() returns trigger language plpgsql as $$ begin raise exception 'disk full'; end $$`,
        [],
      );
      await t.storage.query('create trigger refuse_key_use before update on api_keys for each row execute function refuse_key_use()', []);
      try {
        expect((await t.call('GET', '/heartbeats', undefined, { password: secret })).status).toBe(200);
        await expect.poll(() => logLines.some((line) => line.includes('key.last_used_failed') && line.includes(id))).toBe(true);
        expect(await lastUsedOf(t, id)).toBeNull();
      } finally {
        await t.storage.query('drop trigger refuse_key_use on api_keys', []);
        await t.storage.query('drop function refuse_key_use()', []);
      }
      expect((await t.call('GET', '/heartbeats', undefined, { password: secret })).status).toBe(200);
      await expect.poll(() => lastUsedOf(t, id)).toBe(t.clock.now().getTime() / 1000);
    });
  });

  describe('logs', () => {
    it('never write a secret, and name the key a request used', async () => {
      const { id, secret } = await t.createKey('admin');
      await t.call('GET', '/heartbeats', undefined, { password: secret });
      await t.app.request('/keys', { headers: { authorization: `Bearer ${secret}` } });
      await t.call('GET', '/events?bad=1', undefined, { password: `${secret}x` });
      await t.call('GET', `/ping/${secret}/backup`, undefined, { password: '' });
      await t.call('POST', `/ping/${secret}/backup/fail`, 'failed', { password: '' });
      await t.call('GET', `/api/push/${secret}`, undefined, { password: '' });
      await t.call('DELETE', `/keys/${id}`, undefined, { password: secret });
      const text = logLines.join('');
      expect(text).not.toContain(secret.slice(3));
      const requests = logLines.map((line) => JSON.parse(line)).filter((line) => line.msg === 'request');
      expect(requests.filter((line) => line.key_id === id)).toHaveLength(3);
      expect(requests.map((line) => line.path)).toContain('/ping/<secret>/backup/fail');
      expect(logLines.some((line) => line.includes('key.created') && line.includes(id))).toBe(true);
      expect(logLines.some((line) => line.includes('key.revoked') && line.includes(id))).toBe(true);
    });
  });
});
