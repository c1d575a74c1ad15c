import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { ServiceSettingsInput } from '@watchtower/protocol';
import type { WatchtowerClient } from '../../client.js';
import { WatchtowerError } from '../../core/errors.js';
import { type CommandIo, defineCommand } from '../command.js';
import { UsageError } from '../options.js';
import { runJob } from '../run-job.js';
import { describeFailure, describeSuccess } from '../run-messages.js';
import { alertOf, hasSchedule, readServiceSettings, SERVICE_OPTIONS } from '../service-options.js';

export const run = defineCommand({
  name: 'run',
  summary: 'run a job and record it as a run: its start, then its success or failure',
  arguments: ['service'],
  job: true,
  description: `Runs <command> (without a shell), passing its output through, and records it as a run
of <service>: a start before it, then a success (a pulse) when it exits 0, or a failure
with its exit code (128 + n when killed by signal n), which alerts at once. The last
lines of its output go with either: at most 1,000 characters on success, 10,000 on
failure. Exits with the command's code.

A service the server knows needs no option: its stored schedule and alert are used.
--cron, --tz, --period, --grace, --max-runtime, --warn-before, --remind-every and
--depends-on change those settings before the start (the others stay as they are). An unknown service is created when a schedule is given
(--cron, --period or --next-in); with none, the job still runs and an error line says
how to create it. The job runs even when the server cannot be reached.`,
  options: {
    ...SERVICE_OPTIONS,
    tail: { type: 'count', default: 20, max: 1_000, help: 'lines of output kept for the message' },
    'no-output': { type: 'boolean', help: 'send none of the output: the exit code only' },
  },
  examplesTitle: 'Examples (crontab)',
  examples: [
    'WATCHTOWER_URL=https://watchtower.example:4443',
    'WATCHTOWER_PASSWORD_FILE=/etc/watchtower/password',
    '15 3 * * 1-5 watchtower -q run nightly-backup --cron "15 3 * * 1-5" --tz Europe/Paris --grace 30m -- /usr/local/bin/backup',
    "*/5 * * * * watchtower run sync --next-in 15m --alert log:ops -- sh -c 'sync-once && tidy-up'",
    '0 * * * * watchtower run hourly-report -- /usr/local/bin/report',
  ],
  async run({ args: { service }, options, job, io }) {
    const [program, ...programArgs] = job;
    if (program === undefined) {
      throw new UsageError('the job to run goes after --, such as watchtower run nightly --period 1d -- /usr/local/bin/backup');
    }
    const settings = readServiceSettings(options);
    const client = io.connect();
    const rid = randomUUID();
    // The start goes in parallel: a slow or absent server never delays the job.
    const begun = beginRun({ client, io, service, rid, settings });
    const result = await runJob(program, programArgs, options.tail);
    if ((await begun) === 'not-recorded') return result.code;
    const withOutput = !options['no-output'];
    try {
      if (result.code === 0) {
        const message = withOutput ? describeSuccess(result) : undefined;
        await client.pulse({ service, nextIn: settings.nextIn, message, rid, ...alertOf(settings) });
      } else {
        const message = describeFailure(job, result, hostname(), withOutput);
        await client.failRun(service, { rid, exitCode: result.code, message });
        io.stderr(`watchtower run: ${service} failed (${result.outcome}); recorded as a failed run\n`);
      }
    } catch (error) {
      // The job's own outcome is the exit code; a report that did not arrive is said on stderr.
      io.stderr(`watchtower run: could not report ${service} to the server: ${io.describeError(error)}\n`);
    }
    return result.code;
  },
});

/** Whether the start was recorded, may have been (no answer), or was not (its end would be refused too). */
type Begun = 'started' | 'unsure' | 'not-recorded';

interface RunStart {
  client: WatchtowerClient;
  io: CommandIo;
  service: string;
  rid: string;
  settings: ServiceSettingsInput;
}

/** Applies the settings given, then records the start, creating the service when it is unknown and a schedule is given. */
async function beginRun({ client, io, service, rid, settings }: RunStart): Promise<Begun> {
  const creation = hasSchedule(settings) ? settings : undefined;
  const isNotFound = (error: unknown) => error instanceof WatchtowerError && error.status === 404;
  const orCreate = async (error: unknown) => {
    if (!isNotFound(error) || !creation) throw error;
    await client.putService(service, creation);
  };
  try {
    const { nextIn: _nextIn, alertType: _type, alertTarget: _target, ...change } = settings;
    if (Object.keys(change).length > 0) await client.patchService(service, settings).catch(orCreate);
    await client.startRun(service, { rid }).catch(async (error: unknown) => {
      await orCreate(error);
      await client.startRun(service, { rid });
    });
    return 'started';
  } catch (error) {
    if (isNotFound(error)) {
      io.stderr(
        `watchtower run: ${service} is not known to the server, so this run is not recorded; create it with a schedule: add --cron, --period or --next-in to this command, or run watchtower service put ${service} --period 1d\n`,
      );
      return 'not-recorded';
    }
    io.stderr(`watchtower run: could not record the start of ${service}: ${io.describeError(error)}\n`);
    // After no answer (or a 5xx) the server may take the end; after a refusal it would refuse it too.
    return error instanceof WatchtowerError && error.retryable ? 'unsure' : 'not-recorded';
  }
}
