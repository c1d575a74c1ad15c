import { channelRows } from '../../db/rows.js';
import type { ChannelRow } from '../../db/schema.js';
import { changes, type Changes } from '../changes.js';
import { inTransaction, type DomainContext } from '../context.js';
import { DomainError } from '../errors.js';
import { channelUsers } from './find-channels.js';
import { configOwned } from './save-channel.js';

export function channelNotFound(name: string): DomainError {
  return new DomainError('NOT_FOUND', `no channel named ${JSON.stringify(name)}; GET /channels lists them`);
}

/** Removes a channel that no service names; one of the config file stays. */
export async function deleteChannel(
  context: DomainContext,
  { name }: { name: string },
): Promise<{ channel: ChannelRow; changes: Changes }> {
  return inTransaction(context, async (tx) => {
    const [record] = await tx.db.query(`select ${channelRows.columns()} from channels where name = $1 for update`, [name]);
    if (!record) throw channelNotFound(name);
    const channel = channelRows.read(record);
    if (channel.source === 'config') throw configOwned(name);
    const users = (await channelUsers(tx, { names: [name] })).get(name) ?? [];
    if (users.length > 0) {
      const shown = users.slice(0, 10).map((service) => JSON.stringify(service));
      const more = users.length > 10 ? ` and ${users.length - 10} more` : '';
      throw new DomainError(
        'CONFLICT',
        `channel ${name} is still used by ${users.length === 1 ? 'the service' : `${users.length} services:`} ${shown.join(', ')}${more}; remove it from their channels first`,
      );
    }
    await tx.db.query('delete from channels where name = $1', [name]);
    return { channel, changes: changes({ log: [{ level: 'info', fields: { channel: name }, message: 'channel.deleted' }] }) };
  });
}
