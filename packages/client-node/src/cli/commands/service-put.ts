import { defineCommand } from '../command.js';
import { formatLifecycle, formatSchedule } from '../format.js';
import { UsageError } from '../options.js';
import { hasSchedule, readServiceSettings, SERVICE_OPTIONS } from '../service-options.js';

export const servicePut = defineCommand({
  name: 'service put',
  summary: 'create a service, or replace its configuration',
  arguments: ['service'],
  description: `Creates <service> on the server, or replaces its whole configuration: what is not
given takes its default (no grace, no max runtime, no description, no tags, no late
notice, no reminders, no dependencies, the server's default channel). It needs one
schedule: --cron (with --tz), --period or --next-in. A new service is not watched before
its first signal (a pulse or a start). Prints its schedule, its alert and its ping URL.`,
  options: {
    ...SERVICE_OPTIONS,
    description: { type: 'string', value: 'TEXT', help: 'what it is, for the dashboard and the alerts' },
    tag: { type: 'list', value: 'TAG', help: 'a tag (again for more): letters, digits, - _ . :' },
  },
  examples: [
    'watchtower service put nightly-backup --cron "15 3 * * 1-5" --tz Europe/Paris --grace 30m --alert log:ops',
    'watchtower service put sync --period 15m --max-runtime 10m --tag files --tag hourly',
    'watchtower service put api --next-in 5m --warn-before 1m --remind-every 1h --depends-on db --depends-on network',
  ],
  async run({ args: { service }, options, io }) {
    const settings = readServiceSettings(options);
    if (!hasSchedule(settings)) {
      throw new UsageError('a service needs a schedule: give --cron "15 3 * * *" (with --tz), --period 1d or --next-in 1h');
    }
    const tags = options.tag.length > 0 ? options.tag : undefined;
    const beat = await io.connect().putService(service, { ...settings, description: options.description, tags });
    const lifecycle = formatLifecycle(beat);
    const lines = [
      `configured ${service} (${beat.status}): ${formatSchedule(beat)}; alerts go to ${beat.alertType}:${beat.alertTarget}`,
      ...(lifecycle ? [lifecycle] : []),
      ...(beat.status === 'new' ? ['it is watched from its first signal (a pulse, or watchtower run)'] : []),
      ...(beat.pingUrl ? [`ping URL: ${beat.pingUrl}`] : []),
    ];
    io.printDone(beat, lines.join('\n'));
    return 0;
  },
});
