import { LIMITS, type ChannelDefinition, type ChannelSource } from '@watchtower/protocol';
import { channelRows } from '../../db/rows.js';
import type { ChannelRow } from '../../db/schema.js';
import { changes, type Changes } from '../changes.js';
import { inTransaction, type DomainContext } from '../context.js';
import { DomainError } from '../errors.js';
import { newWebhookSecret, splitSecrets } from './channel-secrets.js';

const UPSERT_CHANNEL = `
insert into channels (name, type, settings, secrets, templates, source, created_at, updated_at)
values ($1, $2, $3::text::jsonb, $4::text::jsonb, $5::text::jsonb, $6, $7, $7)
on conflict (name) do update set type = excluded.type, settings = excluded.settings, secrets = excluded.secrets,
  templates = excluded.templates, source = excluded.source, updated_at = excluded.updated_at
returning ${channelRows.columns()}`;

/** A config file's channel is changed in the config file: the API reads it only. */
export function configOwned(name: string): DomainError {
  return new DomainError(
    'CONFLICT',
    `channel ${name} is defined in the server's config file (channels.${name}): change or remove it there, then restart the server`,
  );
}

/**
 * A webhook channel's signing secrets: made when the channel is made (or given by the config
 * file), kept by a replacement, and on rotation a new one while the old one still signs for
 * a day. Answers the secret to show, when one was made.
 */
function webhookSecrets(
  definition: ChannelDefinition,
  existing: ChannelRow | null,
  now: Date,
): { secrets: Record<string, unknown>; shown?: string } {
  const configured = (definition.settings as { secret?: string }).secret;
  if (configured !== undefined) {
    const same = existing?.type === 'webhook' && existing.secrets.secret === configured;
    return { secrets: same ? existing.secrets : { secret: configured } };
  }
  const stored = existing?.type === 'webhook' && typeof existing.secrets.secret === 'string' ? existing.secrets : null;
  if (!stored) {
    const secret = newWebhookSecret();
    return { secrets: { secret }, shown: secret };
  }
  if (!definition.rotateSecret) return { secrets: stored };
  const secret = newWebhookSecret();
  const previousUntil = now.getTime() + LIMITS.webhookRotationSeconds * 1000;
  return { secrets: { secret, previousSecret: stored.secret, previousUntil }, shown: secret };
}

/**
 * Creates or replaces a named channel. A channel of the config file is replaced only from
 * the config file. Answers its row, and the webhook secret made for it, shown this once.
 */
export async function saveChannel(
  context: DomainContext,
  { name, definition, source }: { name: string; definition: ChannelDefinition; source: ChannelSource },
): Promise<{ channel: ChannelRow; created: boolean; secret?: string; changes: Changes }> {
  return inTransaction(context, async ({ db, clock }) => {
    const [current] = await db.query(`select ${channelRows.columns()} from channels where name = $1 for update`, [name]);
    const existing = current ? channelRows.read(current) : null;
    if (existing?.source === 'config' && source === 'api') throw configOwned(name);
    const now = clock.now();
    const split = splitSecrets(definition.type, definition.settings as Record<string, unknown>);
    const webhook = definition.type === 'webhook' ? webhookSecrets(definition, existing, now) : undefined;
    const secrets = webhook ? webhook.secrets : split.secrets;
    const [record] = await db.query(UPSERT_CHANNEL, [
      name,
      definition.type,
      JSON.stringify(split.settings),
      JSON.stringify(secrets),
      JSON.stringify(definition.templates),
      source,
      now.toISOString(),
    ]);
    const channel = channelRows.read(record!);
    const line = {
      level: 'info' as const,
      // Names of fields only: a secret's value is never logged.
      fields: { channel: name, type: definition.type, source, rotated: definition.rotateSecret || undefined },
      message: existing ? 'channel.replaced' : 'channel.created',
    };
    return { channel, created: !existing, ...(webhook?.shown && { secret: webhook.shown }), changes: changes({ log: [line] }) };
  });
}
