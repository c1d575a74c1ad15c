import { defineCommand } from '../command.js';

export const cancel = defineCommand({
  name: 'cancel',
  summary: 'stop watching a service; no alert follows',
  arguments: ['service'],
  description: 'Stops watching <service>: no alert follows its silence. A later pulse watches it again.',
  options: {},
  examples: ['watchtower cancel backup'],
  async run({ args: { service }, io }) {
    const beat = await io.connect().cancel(service);
    io.printDone(
      beat,
      beat ? `cancelled ${service}: its silence is no longer alerted` : `${service} is not known to the server: nothing to cancel`,
    );
    return 0;
  },
});
