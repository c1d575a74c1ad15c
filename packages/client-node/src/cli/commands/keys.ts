import { KEY_SCOPES, type KeyScope } from '@watchtower/protocol/vocabulary';
import { defineCommand } from '../command.js';
import { formatKeys } from '../format.js';
import { UsageError } from '../options.js';

const SCOPE_HELP = 'pulse (pulses, cancels, events), read (every GET)\nor admin (everything, keys included)';

function readScope(value: string): KeyScope {
  if ((KEY_SCOPES as readonly string[]).includes(value)) return value as KeyScope;
  throw new UsageError(`--scope must be one of ${KEY_SCOPES.join(', ')}; received ${JSON.stringify(value)}`);
}

export const keysCreate = defineCommand({
  name: 'keys create',
  summary: 'create an API key and print its secret, once',
  arguments: [],
  description: `Creates an API key for --name with --scope, and prints its secret. The secret is shown
this once: the server keeps only its hash. Send it as the password (WATCHTOWER_PASSWORD,
the password header or Authorization: Bearer). Needs the password or an admin key.
With -q, prints the secret alone, for a script to keep.`,
  options: {
    name: { type: 'string', value: 'NAME', required: true, example: '"backup host"', help: 'who holds the key (need not be unique)' },
    scope: { type: 'string', value: 'SCOPE', required: true, example: 'pulse', help: SCOPE_HELP },
  },
  examples: [
    'watchtower keys create --name "backup host" --scope pulse',
    'watchtower -q keys create --name dashboard --scope read > /etc/watchtower/read-key',
  ],
  async run({ options, io }) {
    const scope = readScope(options.scope);
    const { key, secret } = await io.connect().createKey({ name: options.name, scope });
    io.printCreated(
      { key, secret },
      `created key ${key.id} ${JSON.stringify(key.name)} with scope ${key.scope}\nsecret: ${secret}\nThis secret is shown once: store it now (the server keeps only its hash).`,
      secret,
    );
    return 0;
  },
});

export const keysList = defineCommand({
  name: 'keys list',
  summary: 'list the API keys, never their secrets',
  arguments: [],
  description: 'Lists the API keys, newest first: id, name, scope, when made and when last used.',
  options: {},
  async run({ io }) {
    const keys = await io.connect().listKeys();
    io.printFound(keys, formatKeys(keys, io.now()), 'no API keys yet');
    return 0;
  },
});

export const keysRevoke = defineCommand({
  name: 'keys revoke',
  summary: 'revoke an API key: it is refused from now on',
  arguments: ['id'],
  description: 'Revokes the API key <id> (see watchtower keys list): the server refuses it from now on.',
  options: {},
  examples: ['watchtower keys revoke key_3f9a1c2b7d4e'],
  async run({ args: { id }, io }) {
    const key = await io.connect().deleteKey(id);
    io.printDone(key, `revoked key ${key.id} ${JSON.stringify(key.name)} (scope ${key.scope}): it is refused from now on`);
    return 0;
  },
});
