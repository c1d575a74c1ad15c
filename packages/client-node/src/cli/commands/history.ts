import type { Flip } from '@watchtower/protocol';
import { defineCommand } from '../command.js';
import { formatHistory } from '../format.js';

// The server's largest page.
const PAGE = 1_000;

export const history = defineCommand({
  name: 'history',
  summary: "show a service's changes of state and its uptime",
  arguments: ['service'],
  description: `Shows the uptime of <service> over the last 24 hours, 7 days and 30 days, then each
change of its state, newest first: when, from what, to what (alive, late, started, dead,
paused, snoozed, cancelled, unknown while no server ran) and why. Time when no server
ran, or while the service was new, paused or snoozed, does not count in the uptime.`,
  options: {
    limit: { type: 'count', default: 20, max: 100_000, help: 'at most N changes' },
  },
  examples: ['watchtower history nightly-backup', 'watchtower history api --limit 100 --json'],
  async run({ args: { service }, options, io }) {
    const client = io.connect();
    const flips: Flip[] = [];
    let before: string | undefined;
    let page: Awaited<ReturnType<typeof client.readHistory>>;
    do {
      page = await client.readHistory(service, { limit: Math.min(options.limit - flips.length, PAGE), before });
      flips.push(...page.flips);
      before = page.next ?? undefined;
    } while (before && flips.length < options.limit);
    io.printRead({ uptime: page.uptime, flips }, formatHistory(flips, page.uptime));
    return 0;
  },
});
