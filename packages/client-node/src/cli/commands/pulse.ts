import { defineCommand } from '../command.js';
import { formatDate, formatRelative } from '../format.js';

export const pulse = defineCommand({
  name: 'pulse',
  summary: 'record a pulse: the service is alive and pulses again within --next-in',
  arguments: ['service'],
  description: `Records a pulse: <service> is alive and pulses again within --next-in. If it does not,
the server alerts TARGET through TYPE. For a service the server knows, --next-in and
--alert may be left out: it keeps the schedule and the alert it has. A pulse ends the
run under way as a success.`,
  options: {
    'next-in': { type: 'duration', required: false, example: '1h', help: 'the longest silence before an alert: 90, 90s, 15m, 1h30m, 1d' },
    alert: {
      type: 'alert',
      required: false,
      help: 'where the alert goes: pushover:USER_KEY, email:ops@example.com,\nwebhook:https://…, slack:https://hooks.slack.com/…, log:LABEL',
    },
    message: {
      type: 'string',
      value: 'TEXT',
      help: 'how it went, kept with the run and quoted in the next alert\n(at most 1,000 characters)',
    },
  },
  examples: [
    'watchtower pulse backup --next-in 1h --alert pushover:uQiRzpo4DXghDmr9QzzfQu27cmVRsG',
    'watchtower pulse nightly --message "dumped 3 GB"',
  ],
  async run({ args: { service }, options, io }) {
    const beat = await io.connect().pulse({ service, nextIn: options['next-in'], message: options.message, ...options.alert });
    io.printDone(
      beat,
      `pulsed ${service}: ${beat.alertType}:${beat.alertTarget} is alerted if it is silent past ${formatDate(beat.expected)} (${formatRelative(beat.expected, io.now())})`,
    );
    return 0;
  },
});
