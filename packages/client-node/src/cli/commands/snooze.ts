import type { SnoozeInput } from '../../core/client.js';
import { type CommandIo, defineCommand } from '../command.js';
import { formatDate, formatRelative } from '../format.js';
import { UsageError } from '../options.js';

const SPAN_EXAMPLES = '--for 2h or --until 2026-12-24T18:00:00Z';

/** The end the options give: exactly one of --for and --until, ahead of now. */
function readSpan(options: { for: number | undefined; until: number | undefined }, io: CommandIo): SnoozeInput {
  if (options.for !== undefined && options.until !== undefined) {
    throw new UsageError(`--for and --until both say when the snooze ends: give one, ${SPAN_EXAMPLES}`);
  }
  if (options.until !== undefined) {
    if (options.until <= io.now()) {
      throw new UsageError(`--until must be ahead; received ${formatDate(options.until)} (${formatRelative(options.until, io.now())})`);
    }
    return { until: options.until };
  }
  if (options.for === undefined) throw new UsageError(`say how long: ${SPAN_EXAMPLES}`);
  return { for: options.for };
}

/** What to snooze: one service, a tag, or (only when asked with --all) every service. */
function readTarget(service: string, tag: string | undefined, all: boolean): { service: string } | { tag: string | undefined } {
  const given = [service && '<service>', tag !== undefined && '--tag', all && '--all'].filter(Boolean);
  if (given.length > 1) throw new UsageError(`${given.join(' and ')} name different services: give one`);
  if (service) return { service };
  if (tag !== undefined || all) return { tag };
  throw new UsageError('say what to snooze: a <service>, --tag TAG for the services of a tag, or --all for every service');
}

export const snooze = defineCommand({
  name: 'snooze',
  summary: 'no alert from a service, a tag or every service, for a while',
  arguments: ['service'],
  lastOptional: true,
  description: `Snoozes <service>, every service of --tag, or with --all every service: none of their
alerts (a death, a "running late" notice, a reminder) is sent until the snooze ends,
--for a while from now or --until a date. A service that dies during the snooze is
alerted when it ends, if it is still dead; one already dead is not alerted again.
Prints until when, and with --tag or --all which services. A tag that no service has
snoozes nothing and exits 1. watchtower unsnooze ends a service's snooze sooner.`,
  options: {
    for: { type: 'duration', required: false, example: '2h', help: 'for DURATION from now: 30m, 2h, 1d' },
    until: { type: 'date', help: 'until DATE: 2026-12-24T18:00:00Z, 2026-12-24 18:00 (local time),\nor Unix seconds' },
    tag: { type: 'string', value: 'TAG', help: 'every service of TAG, instead of <service>' },
    all: { type: 'boolean', help: 'every service the server knows, instead of <service>' },
  },
  examples: [
    'watchtower snooze nightly-backup --for 2h',
    'watchtower snooze --tag edge --until "2026-12-24 18:00"',
    'watchtower -q snooze --all --for 30m',
  ],
  async run({ args, options, io }) {
    const target = readTarget(args.service, options.tag, options.all);
    const span = readSpan(options, io);
    const client = io.connect();
    const until = (end: number) => `until ${formatDate(end)} (${formatRelative(end, io.now())})`;
    if ('service' in target) {
      const beat = await client.snoozeService(target.service, span);
      const end = beat.snoozedUntil ? ` ${until(beat.snoozedUntil)}` : '';
      io.printDone(beat, `snoozed ${target.service}${end}: no alert until then, or until watchtower unsnooze ${target.service}`);
      return 0;
    }
    const snoozed = await client.snoozeMany({ tag: target.tag, ...span });
    const what = target.tag === undefined ? 'every service' : `the services of tag ${target.tag}`;
    if (snoozed.services.length === 0) {
      const none = target.tag === undefined ? 'the server has no service' : `no service has the tag ${target.tag}`;
      io.stderr(`watchtower snooze: ${none}: nothing snoozed (watchtower list shows the services)\n`);
      return 1;
    }
    const count = `${snoozed.services.length} service${snoozed.services.length === 1 ? '' : 's'}`;
    io.printDone(snoozed, `snoozed ${what} (${count}) ${until(snoozed.snoozedUntil)}: ${snoozed.services.join(', ')}`);
    return 0;
  },
});

export const unsnooze = defineCommand({
  name: 'unsnooze',
  summary: 'end the snooze of a service: its alerts are sent again',
  arguments: ['service'],
  description: `Ends the snooze of <service> at once: its alerts are sent again, and a death held by the
snooze is alerted now if it is still dead.`,
  options: {},
  examples: ['watchtower unsnooze nightly-backup'],
  async run({ args: { service }, io }) {
    const beat = await io.connect().unsnoozeService(service);
    io.printDone(beat, `unsnoozed ${service}: its alerts are sent again; it is ${beat.status}`);
    return 0;
  },
});
