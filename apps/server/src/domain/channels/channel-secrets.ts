import { randomBytes } from 'node:crypto';
import { CHANNEL_SECRET_FIELDS, type ChannelType } from '@watchtower/protocol';
import type { ChannelRow } from '../../db/schema.js';

/** A Standard Webhooks signing secret: `whsec_` and 32 random bytes in base64. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

const secretFieldsOf = (type: string): readonly string[] => CHANNEL_SECRET_FIELDS[type as ChannelType] ?? [];

/** A channel's settings split in two: what may be shown, and the secrets, stored apart. */
export function splitSecrets(
  type: string,
  settings: Record<string, unknown>,
): { settings: Record<string, unknown>; secrets: Record<string, unknown> } {
  const secretFields = new Set(secretFieldsOf(type));
  const entries = Object.entries(settings).filter(([, value]) => value !== undefined);
  return {
    settings: Object.fromEntries(entries.filter(([field]) => !secretFields.has(field))),
    secrets: Object.fromEntries(entries.filter(([field]) => secretFields.has(field))),
  };
}

/**
 * A PUT body with the secrets it left out taken from the channel it replaces, when that is
 * of the same type: a dashboard can change a URL without sending the token again.
 */
export function withStoredSecrets(body: unknown, existing: ChannelRow | null): unknown {
  if (!existing || typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const given = body as Record<string, unknown>;
  if (given.type !== existing.type) return body;
  const kept = secretFieldsOf(existing.type).filter(
    // The webhook's own secret is never part of a body: the server makes it.
    (field) => existing.type !== 'webhook' && (given[field] === undefined || given[field] === '') && existing.secrets[field] !== undefined,
  );
  return { ...given, ...Object.fromEntries(kept.map((field) => [field, existing.secrets[field]])) };
}

/** The names of the secrets a channel has set, for its view. */
export function secretNames(row: Pick<ChannelRow, 'type' | 'secrets'>): string[] {
  return secretFieldsOf(row.type).filter((field) => row.secrets[field] !== undefined && row.secrets[field] !== null);
}
