import type { Run } from '@watchtower/protocol';
import { defineCommand } from '../command.js';
import { formatRuns } from '../format.js';

// The server's largest page.
const PAGE = 1_000;

export const runs = defineCommand({
  name: 'runs',
  summary: 'list the runs of a service, newest first',
  arguments: ['service'],
  description: `Lists the runs of <service>, newest first: when each started, how long it took, its
outcome (running, success, fail, timeout), its exit code, and the last line of its
message (--json has them whole).`,
  options: {
    limit: { type: 'count', default: 20, max: 100_000, help: 'at most N runs' },
  },
  examples: ['watchtower runs nightly-backup --limit 5'],
  async run({ args: { service }, options, io }) {
    const client = io.connect();
    const found: Run[] = [];
    let before: string | undefined;
    do {
      const page = await client.listRuns(service, { limit: Math.min(options.limit - found.length, PAGE), before });
      found.push(...page.runs);
      before = page.next ?? undefined;
    } while (before && found.length < options.limit);
    io.printFound(found, formatRuns(found, io.now()), `no runs of ${service} yet`);
    return 0;
  },
});
