import { defineCommand } from '../command.js';
import { formatHeartbeats } from '../format.js';

export const list = defineCommand({
  name: 'list',
  summary: 'list the heartbeats and their status',
  arguments: [],
  description: `Lists the heartbeats: status (alive, late, dead, started, paused, cancelled, new), last
pulse, deadline, alert, and when a snoozed one's snooze ends (a column shown when some
service is snoozed).`,
  options: {},
  async run({ io }) {
    const beats = await io.connect().heartbeats();
    io.printFound(beats, formatHeartbeats(beats, io.now()), 'no heartbeats yet');
    return 0;
  },
});
