import { hostname } from 'node:os';
import type { LIMITS } from '@watchtower/protocol';
import { defineCommand } from '../command.js';
import { keepHead, keepTail } from '../cut-text.js';
import { formatDuration } from '@watchtower/protocol/vocabulary';
import { UsageError } from '../options.js';
import { runJob, type JobResult } from '../run-job.js';

const MAX_MESSAGE = 10_000 satisfies (typeof LIMITS)['eventMessageMaxLength'];
const MAX_COMMAND = 1_000;

export const run = defineCommand({
  name: 'run',
  summary: 'run a job: pulse when it succeeds, record an error event when it fails',
  arguments: ['service'],
  job: true,
  description: `Runs <command> (without a shell), passing its output through. When it succeeds, pulses
<service>. When it fails, records an error event with its exit code, how long it ran
and the last lines of its output, and does not pulse. Exits with the command's code.`,
  options: {
    'next-in': {
      type: 'duration',
      required: true,
      example: '1d',
      help: "the longest silence before an alert: the job's period plus a margin",
    },
    alert: { type: 'alert', help: 'where the alert goes, as for watchtower pulse' },
    tail: { type: 'count', default: 20, max: 1_000, help: 'lines of output kept for the error event' },
  },
  examplesTitle: 'Examples (crontab)',
  examples: [
    'WATCHTOWER_URL=https://watchtower.example:4443',
    'WATCHTOWER_PASSWORD_FILE=/etc/watchtower/password',
    '15 3 * * * watchtower -q run nightly-backup --next-in 1d --alert pushover:uQiRzpo4DXghDmr9QzzfQu27cmVRsG -- /usr/local/bin/backup',
    "*/5 * * * * watchtower run sync --next-in 15m --alert log:ops -- sh -c 'sync-once && tidy-up'",
  ],
  async run({ args: { service }, options, job, io }) {
    const [program, ...programArgs] = job;
    if (program === undefined) {
      throw new UsageError(
        'the job to run goes after --, such as watchtower run nightly --next-in 1d --alert log:ops -- /usr/local/bin/backup',
      );
    }
    const client = io.connect();
    const result = await runJob(program, programArgs, options.tail);
    try {
      if (result.code === 0) {
        await client.pulse({ service, nextIn: options['next-in'], ...options.alert });
      } else {
        await client.addEvent({ service, level: 'error', message: describeFailure(job, result, hostname()) });
        io.stderr(`watchtower run: ${service} failed (${result.outcome}); recorded as an error event\n`);
      }
    } catch (error) {
      // The job's own outcome is the exit code; a report that did not arrive is said on stderr.
      io.stderr(`watchtower run: could not report ${service} to the server: ${io.describeError(error)}\n`);
    }
    return result.code;
  },
});

/** The event message of a failed job: what ran, where, how it ended, how long, and its last lines. */
export function describeFailure(commandLine: string[], job: JobResult, host: string): string {
  const quoted = commandLine.map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`)).join(' ');
  // A command line can be longer than a whole message (xargs): its start says what ran.
  const shown = quoted.length > MAX_COMMAND ? `${keepHead(quoted, MAX_COMMAND)}…` : quoted;
  const head = `\`${shown}\` failed on ${host}: ${job.outcome} after ${formatDuration(job.durationMs / 1000)}`;
  const lines = job.tail.lines();
  if (lines.length === 0) return `${head}\n(no output)`;
  const counted =
    job.tail.total > lines.length
      ? `last ${lines.length} of ${job.tail.total} lines`
      : `${lines.length} ${lines.length === 1 ? 'line' : 'lines'}`;
  let body = lines.join('\n');
  const intro = `${head}\n${counted} of output:\n`;
  // Oldest lines go first when the message would be too long for the server.
  if (intro.length + body.length > MAX_MESSAGE) body = `…${keepTail(body, MAX_MESSAGE - intro.length - 1)}`;
  return intro + body;
}
