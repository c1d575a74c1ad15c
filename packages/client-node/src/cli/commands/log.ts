import { defineCommand } from '../command.js';

export const log = defineCommand({
  name: 'log',
  summary: 'record a message of a service, changing nothing else',
  arguments: ['service', 'message'],
  lastTakesRest: true,
  description: `Records <message> as an event of <service> (level info), without changing its state.
The words after <service> make the message: quotes are needed only to keep spaces or
shell characters.`,
  options: {},
  examples: ['watchtower log nightly-backup rotated 3 files'],
  async run({ args: { service, message }, io }) {
    const recorded = await io.connect().logMessage(service, message);
    io.printDone(recorded, `logged event ${recorded.id} of ${service}`);
    return 0;
  },
});
