import type { Event } from '@watchtower/protocol';
import type { WatchtowerClient } from '../../client.js';
import { type CommandIo, defineCommand } from '../command.js';
import { formatEvents } from '../format.js';
import { UsageError } from '../options.js';

/** Prints events as they are recorded, until Ctrl-C: the exit code is then 0. */
async function follow(client: WatchtowerClient, io: CommandIo, filters: { service?: string; level?: string | number; message?: string }) {
  const signal = io.untilStopped();
  const live = client.followEvents(filters, {
    signal,
    onInterruption: (error, retryInMs) => {
      if (io.quiet) return;
      if (error === undefined) io.stderr('watchtower: the stream fell behind the server; some events were not shown\n');
      else
        io.stderr(
          `watchtower: the live stream broke (${io.describeError(error).replace(/^watchtower: /, '')}); reading it again in ${Math.round(retryInMs / 100) / 10} s\n`,
        );
    },
  });
  for await (const event of live) io.printLive(event, formatEvents([event]));
  return 0;
}

export const events = defineCommand({
  name: 'events',
  summary: 'list events, newest first, or follow them live',
  arguments: [],
  description:
    'Lists events, newest first. With --follow, prints the events recorded from now on as they arrive (one line of JSON each with --json), until Ctrl-C; the live stream is read again after it breaks.',
  options: {
    service: { type: 'string', value: 'NAME', help: 'only this service' },
    level: { type: 'level', help: 'this level or above: debug, info, warning, error, critical, or a number' },
    since: { type: 'duration', required: false, example: '2h', help: 'only the last DURATION: 90s, 15m, 2h, 1d' },
    message: { type: 'string', value: 'TEXT', help: 'only messages containing TEXT (case-insensitive)' },
    limit: { type: 'count', default: 100, max: 100_000, help: 'at most N events' },
    follow: { type: 'boolean', help: 'print new events as they are recorded, until Ctrl-C' },
  },
  examples: ['watchtower events --service backup --level error --since 1d', 'watchtower events --follow --level warning'],
  async run({ options, io }) {
    const filters = { service: options.service, level: options.level, message: options.message };
    if (options.follow) {
      if (options.since !== undefined) throw new UsageError('--since lists past events; --follow prints the new ones: give one of them');
      return follow(io.connect(), io, filters);
    }
    const found: Event[] = [];
    const pages = io.connect().allEvents({
      ...filters,
      from: options.since === undefined ? undefined : io.now() - options.since,
      limit: Math.min(options.limit, 1_000),
    });
    for await (const event of pages) {
      found.push(event);
      if (found.length >= options.limit) break;
    }
    io.printFound(found, formatEvents(found), 'no events match');
    return 0;
  },
});
