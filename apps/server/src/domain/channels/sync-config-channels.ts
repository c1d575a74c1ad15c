import type { ChannelDefinition } from '@watchtower/protocol';
import { mergeChanges, changes, type Changes } from '../changes.js';
import { inTransaction, type DomainContext } from '../context.js';
import { channelUsers } from './find-channels.js';
import { saveChannel } from './save-channel.js';

/**
 * Makes the channels of the config file the stored ones of source `config`, at start: each
 * is created or replaced (whatever made it before), and a config channel no longer in the
 * file is removed, unless services still name it (then it stays, and a warning says so).
 */
export async function syncConfigChannels(
  context: DomainContext,
  { channels }: { channels: Record<string, ChannelDefinition> },
): Promise<{ changes: Changes }> {
  return inTransaction(context, async (tx) => {
    const saved: Changes[] = [];
    for (const [name, definition] of Object.entries(channels)) {
      saved.push((await saveChannel(tx, { name, definition, source: 'config' })).changes);
    }
    const names = Object.keys(channels);
    const gone = await tx.db.query<{ name: string }>(
      `select name from channels where source = 'config' and name <> all($1::text[]) for update`,
      [names],
    );
    const users = await channelUsers(tx, { names: gone.map((row) => row.name) });
    const removable = gone.map((row) => row.name).filter((name) => !users.has(name));
    if (removable.length > 0) await tx.db.query('delete from channels where name = any($1::text[])', [removable]);
    const kept = gone.map((row) => row.name).filter((name) => users.has(name));
    const lines = [
      ...removable.map((name) => ({ level: 'info' as const, fields: { channel: name }, message: 'channel.deleted' })),
      ...kept.map((name) => ({
        level: 'warn' as const,
        fields: { channel: name, used_by: users.get(name) },
        message: 'channel.kept: no longer in the config file, but services still name it',
      })),
    ];
    return { changes: mergeChanges([...saved, changes({ log: lines })]) };
  });
}
