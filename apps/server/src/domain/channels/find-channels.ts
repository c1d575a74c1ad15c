import { channelRows } from '../../db/rows.js';
import type { ChannelRow } from '../../db/schema.js';
import type { DomainContext } from '../context.js';
import { DomainError } from '../errors.js';

/** One channel by name, or null. */
export async function findChannel({ db }: DomainContext, { name }: { name: string }): Promise<ChannelRow | null> {
  const [record] = await db.query(`select ${channelRows.columns()} from channels where name = $1`, [name]);
  return record ? channelRows.read(record) : null;
}

/** The services that name each channel, by channel name. */
export async function channelUsers({ db }: DomainContext, { names }: { names?: string[] } = {}): Promise<Map<string, string[]>> {
  const rows = await db.query<{ name: string; service: string }>(
    `select u.name, h.service from heartbeats h cross join unnest(h.channels) as u(name)
     where cardinality(h.channels) > 0 and ($1::text[] is null or u.name = any($1::text[]))
     order by h.service`,
    [names ?? null],
  );
  const users = new Map<string, string[]>();
  for (const { name, service } of rows) users.set(name, [...(users.get(name) ?? []), service]);
  return users;
}

/** Every channel by name, with the services that use each. */
export async function listChannels(context: DomainContext): Promise<Array<{ channel: ChannelRow; usedBy: string[] }>> {
  const records = await context.db.query(`select ${channelRows.columns()} from channels order by name`, []);
  const users = await channelUsers(context);
  return records.map(channelRows.read).map((channel) => ({ channel, usedBy: users.get(channel.name) ?? [] }));
}

/** Of these names, those that name no channel, in the order given. */
export async function unknownChannels({ db }: DomainContext, { names }: { names: string[] }): Promise<string[]> {
  if (names.length === 0) return [];
  const known = new Set(
    (await db.query<{ name: string }>('select name from channels where name = any($1::text[])', [names])).map((row) => row.name),
  );
  return names.filter((name) => !known.has(name));
}

/** Every name is a channel's; the first that is not is a 400 that names it. */
export async function checkChannelNames(context: DomainContext, { names }: { names: string[] }): Promise<void> {
  const [unknown] = await unknownChannels(context, { names });
  if (unknown === undefined) return;
  throw new DomainError(
    'VALIDATION_FAILED',
    `channels names ${JSON.stringify(unknown)}, which is no channel here: define it with PUT /channels/${unknown} first (GET /channels lists them)`,
  );
}
