import { defineCommand } from '../command.js';
import { formatSchedule } from '../format.js';

export const deleteCommand = defineCommand({
  name: 'delete',
  summary: 'delete a service with its runs and events',
  arguments: ['service'],
  description: `Deletes <service> from the server, with its runs and events, without asking. Prints
what it deleted. A later pulse creates it again, as new.`,
  options: {},
  examples: ['watchtower delete old-backup'],
  async run({ args: { service }, io }) {
    const beat = await io.connect().deleteService(service);
    io.printDone(beat, `deleted ${service} (${beat.status}, ${formatSchedule(beat)}), with its runs and events`);
    return 0;
  },
});
