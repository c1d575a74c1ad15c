import type { LIMITS } from '@watchtower/protocol';
import { keepHead, keepTail } from './cut-text.js';
import type { JobResult } from './run-job.js';

/** The most a failure message carries: a run signal's message holds 10,000 characters. */
export const MAX_FAILURE_MESSAGE = 10_000 satisfies (typeof LIMITS)['signalMessageMaxLength'];
/** The most a success message carries: a pulse's message holds 1,000 characters. */
export const MAX_SUCCESS_MESSAGE = 1_000 satisfies (typeof LIMITS)['pulseMessageMaxLength'];
const MAX_COMMAND = 1_000;

/** The last lines of output as one text of at most `max` characters, its oldest part cut first (marked `…`). */
function joinTail(lines: string[], max: number): string {
  const text = lines.join('\n');
  return text.length <= max ? text : `…${keepTail(text, max - 1)}`;
}

/**
 * The message of a failed run: what ran, where, how it ended, and its last lines of
 * output (none with `withOutput` false). The server adds the service, exit code and duration.
 */
export function describeFailure(commandLine: string[], job: JobResult, host: string, withOutput = true): string {
  const quoted = commandLine.map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`)).join(' ');
  // A command line can be longer than a whole message (xargs): its start says what ran.
  const shown = quoted.length > MAX_COMMAND ? `${keepHead(quoted, MAX_COMMAND)}…` : quoted;
  const head = `\`${shown}\` on ${host}: ${job.outcome}`;
  const lines = job.tail.lines();
  if (!withOutput) return head;
  if (lines.length === 0) return `${head}, no output`;
  const counted =
    job.tail.total > lines.length
      ? `last ${lines.length} of ${job.tail.total} lines`
      : `${lines.length} ${lines.length === 1 ? 'line' : 'lines'}`;
  const intro = `${head}, ${counted} of output:\n`;
  return intro + joinTail(lines, MAX_FAILURE_MESSAGE - intro.length);
}

/** The message of a successful run: its last lines of output, or nothing when it wrote none. */
export function describeSuccess(job: JobResult): string | undefined {
  const text = joinTail(job.tail.lines(), MAX_SUCCESS_MESSAGE);
  return text.trim() === '' ? undefined : text;
}
