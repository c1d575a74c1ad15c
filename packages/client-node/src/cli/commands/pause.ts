import { defineCommand } from '../command.js';

export const pause = defineCommand({
  name: 'pause',
  summary: 'stop alerting a service until it is resumed',
  arguments: ['service'],
  description: `Pauses <service>: no alert follows, whatever it sends or fails to send, until
watchtower resume. Its signals are still recorded.`,
  options: {},
  examples: ['watchtower pause nightly-backup'],
  async run({ args: { service }, io }) {
    const beat = await io.connect().pauseService(service);
    io.printDone(beat, `paused ${service}: no alert until watchtower resume ${service}`);
    return 0;
  },
});
