import type { Event } from '@watchtower/protocol';
import { defineCommand } from '../command.js';
import { formatEvents } from '../format.js';

export const events = defineCommand({
  name: 'events',
  summary: 'list events, newest first',
  arguments: [],
  description: 'Lists events, newest first.',
  options: {
    service: { type: 'string', value: 'NAME', help: 'only this service' },
    level: { type: 'level', help: 'this level or above: debug, info, warning, error, critical, or a number' },
    since: { type: 'duration', required: false, example: '2h', help: 'only the last DURATION: 90s, 15m, 2h, 1d' },
    message: { type: 'string', value: 'TEXT', help: 'only messages containing TEXT (case-insensitive)' },
    limit: { type: 'count', default: 100, max: 100_000, help: 'at most N events' },
  },
  examples: ['watchtower events --service backup --level error --since 1d'],
  async run({ options, io }) {
    const found: Event[] = [];
    const pages = io.connect().allEvents({
      service: options.service,
      level: options.level,
      message: options.message,
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
