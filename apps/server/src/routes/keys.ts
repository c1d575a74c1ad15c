import { CreateKeyRequest, ROUTES, type CreateKeyResponse, type DeleteKeyResponse, type ListKeysResponse } from '@watchtower/protocol';
import { Hono } from 'hono';
import type { ResolvedDeps } from '../deps.js';
import { applyChanges } from '../domain/changes.js';
import { createKey } from '../domain/keys/create-key.js';
import { deleteKey } from '../domain/keys/delete-key.js';
import { listKeys } from '../domain/keys/find-keys.js';
import { toKey } from '../domain/views.js';
import type { AppEnv } from '../http/app-env.js';
import { readBody } from '../http/read-body.js';
import { parseInput } from '../http/validate.js';

/** API keys: created with their secret shown once, listed without it, revoked. */
export function keyRoutes({ db, clock }: ResolvedDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const context = { db, clock };

  for (const path of ROUTES.createKey.paths) {
    app.post(path, async (c) => {
      const input = parseInput(CreateKeyRequest, await readBody(c));
      const { key, secret, changes } = await createKey(context, input);
      applyChanges(changes, { log: c.get('log') });
      return c.json({ result: 200, key: toKey(key), secret } satisfies CreateKeyResponse);
    });
  }

  for (const path of ROUTES.listKeys.paths) {
    app.get(path, async (c) => {
      const keys = await listKeys(context);
      return c.json({ result: 200, keys: keys.map(toKey) } satisfies ListKeysResponse);
    });
  }

  for (const path of ROUTES.deleteKey.paths) {
    app.delete(path, async (c) => {
      const { key, changes } = await deleteKey(context, { id: c.req.param('id') });
      applyChanges(changes, { log: c.get('log') });
      return c.json({ result: 200, key: toKey(key) } satisfies DeleteKeyResponse);
    });
  }

  return app;
}
