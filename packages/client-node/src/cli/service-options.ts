import type { AlertType, ServiceSettingsInput } from '@watchtower/protocol';
import type { OptionSpecs, OptionValues } from './command.js';
import { UsageError } from './options.js';

/** The settings of a service on the command line, as `service put` and `run` take them. */
export const SERVICE_OPTIONS = {
  cron: { type: 'string', value: 'EXPR', help: 'expected on this cron schedule (5 fields), such as "15 3 * * 1-5"' },
  tz: { type: 'string', value: 'ZONE', help: 'the time zone of --cron, such as Europe/Paris (default: UTC)' },
  period: { type: 'duration', required: false, example: '1d', help: 'expected every DURATION after its last signal: 1h, 1d, 1w' },
  'next-in': {
    type: 'duration',
    required: false,
    example: '1d',
    help: 'expected within DURATION of its last pulse; a pulse may change it',
  },
  grace: { type: 'duration', required: false, example: '30m', help: 'how late it may be past its schedule before an alert' },
  'max-runtime': {
    type: 'duration',
    required: false,
    example: '2h',
    help: 'how long a run may take after its start; past it, the service is dead',
  },
  alert: {
    type: 'alert',
    required: false,
    help: "where the alert goes, as for watchtower pulse\n(default for a new service: the server's default channel)",
  },
  'warn-before': {
    type: 'duration',
    required: false,
    example: '10m',
    help: 'a "running late" notice DURATION before each deadline',
  },
  'remind-every': { type: 'duration', required: false, example: '1h', help: 'a reminder every DURATION while it stays dead' },
  'depends-on': {
    type: 'list',
    value: 'SERVICE',
    help: "a service it depends on (again for more): while that one is dead,\nthis one's death waits, and is alerted when it recovers",
  },
} as const satisfies OptionSpecs;

type ServiceValues = OptionValues<typeof SERVICE_OPTIONS>;

const SCHEDULE_NAMES = ['cron', 'period', 'next-in'] as const;

/** The settings given on the command line, in the protocol's names; absent ones are left out. */
export function readServiceSettings(options: ServiceValues): ServiceSettingsInput {
  const given = SCHEDULE_NAMES.filter((name) => options[name] !== undefined);
  if (given.length > 1) {
    throw new UsageError(`${given.map((name) => `--${name}`).join(' and ')} are two schedules: give one of --cron, --period and --next-in`);
  }
  if (options.tz !== undefined && options.cron === undefined) {
    throw new UsageError('--tz is the time zone of --cron: give --cron with it');
  }
  const settings: ServiceSettingsInput = {
    cron: options.cron,
    tz: options.tz,
    period: options.period,
    nextIn: options['next-in'],
    grace: options.grace,
    maxRuntime: options['max-runtime'],
    warnBefore: options['warn-before'],
    remindEvery: options['remind-every'],
    dependsOn: options['depends-on'].length > 0 ? options['depends-on'] : undefined,
    ...options.alert,
  };
  return Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined));
}

/** Whether the settings name a schedule, which creating a service needs. */
export function hasSchedule(settings: ServiceSettingsInput): boolean {
  return settings.cron !== undefined || settings.period !== undefined || settings.nextIn !== undefined;
}

/** The channel the settings name, for a pulse. */
export function alertOf(settings: ServiceSettingsInput): { alertType: AlertType; alertTarget: string } | undefined {
  return settings.alertType && settings.alertTarget ? { alertType: settings.alertType, alertTarget: settings.alertTarget } : undefined;
}
