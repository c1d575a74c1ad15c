import { defineCommand } from '../command.js';
import { formatHeartbeats } from '../format.js';

export const list = defineCommand({
  name: 'list',
  summary: 'list the heartbeats and their status',
  arguments: [],
  description: 'Lists the heartbeats: status (alive, dead, cancelled), last pulse, deadline, alert.',
  options: {},
  async run({ io }) {
    const beats = await io.connect().heartbeats();
    io.printFound(beats, formatHeartbeats(beats, io.now()), 'no heartbeats yet');
    return 0;
  },
});
