import { z } from 'zod';
import { LIMITS } from './constants.js';
import { boundedText, expectationMessage, answer } from './fields.js';
import { KEY_SCOPES, type KeyScope } from './vocabulary.js';

/** A key's scope: `pulse` (signals and events), `read` (every GET) or `admin`. */
export const KeyScopeName = z.unknown().transform((value, ctx) => {
  if (typeof value === 'string' && (KEY_SCOPES as readonly string[]).includes(value)) return value as KeyScope;
  const expectation = `one of ${KEY_SCOPES.join(', ')} (pulse: signals and events; read: every GET; admin: everything)`;
  ctx.addIssue({ code: 'custom', message: expectationMessage('scope', expectation, value) });
  return z.NEVER;
});
KeyScopeName.register(z.globalRegistry, {
  type: 'string',
  enum: [...KEY_SCOPES],
  description: 'pulse: signals and events; read: every GET; admin: everything',
});

/** Body of `POST /keys`. The name says who holds the key; it need not be unique. */
export const CreateKeyRequest = z.strictObject({
  name: boundedText('name', LIMITS.keyNameMaxLength, { min: 1 }),
  scope: KeyScopeName,
});
export type CreateKeyRequest = z.output<typeof CreateKeyRequest>;
export type CreateKeyRequestInput = { name: string; scope: KeyScope };

/** An API key as the server reports it, never with its secret. Times are Unix seconds; lastUsed is null for a key never used. */
export const Key = z.object({
  id: z.string(),
  name: z.string(),
  scope: z.enum(KEY_SCOPES),
  created: z.number(),
  lastUsed: z.number().nullable(),
});
export type Key = z.output<typeof Key>;

/** Answer of `POST /keys`: the secret is shown here once; the server keeps only its hash. */
export const CreateKeyResponse = answer({
  key: Key,
  secret: z.string(),
});
export type CreateKeyResponse = z.output<typeof CreateKeyResponse>;

export const ListKeysResponse = answer({
  keys: z.array(Key),
});
export type ListKeysResponse = z.output<typeof ListKeysResponse>;

/** Answer of `DELETE /keys/:id`: the key revoked, as it was (an unknown id is a 404). */
export const DeleteKeyResponse = answer({
  key: Key,
});
export type DeleteKeyResponse = z.output<typeof DeleteKeyResponse>;
