import { defineCommand } from '../command.js';

export const event = defineCommand({
  name: 'event',
  summary: 'record an event',
  arguments: ['service', 'message'],
  description: 'Records an event of <service>.',
  options: {
    level: { type: 'level', default: 'info', help: 'debug, info, warning, error, critical, or a number' },
    // A flag here (the protocol's `alert: true`); a channel for pulses.
    alert: { type: 'boolean', help: "also alert the server's default channel (it must have one)" },
  },
  examples: ['watchtower event backup "disk 91% full" --level warning'],
  async run({ args: { service, message }, options, io }) {
    const recorded = await io.connect().addEvent({ service, message, level: options.level, alert: options.alert });
    io.printDone(recorded, `recorded event ${recorded.id} of ${service}`);
    return 0;
  },
});
