import { hostname } from 'node:os';
import type { LIMITS } from '@watchtower/protocol';
import { WatchtowerClient } from '../client.js';
import { WatchtowerError } from '../core/errors.js';
import { formatDuration, LEVELS } from '@watchtower/protocol/vocabulary';
import { keepHead, keepTail } from './cut-text.js';
import { escapeControls, formatDate, formatEvents, formatHeartbeats, formatRelative } from './format.js';
import { HELP, type CommandName } from './help.js';
import { parseArgs } from 'node:util';
import { parseAlert, parseCount, parseDurationOption, usageErrorOf, UsageError } from './options.js';
import { runJob, type JobResult } from './run-job.js';

export interface CliContext {
  env: Record<string, string | undefined>;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  version: string;
}

const MAX_MESSAGE = 10_000 satisfies (typeof LIMITS)['eventMessageMaxLength'];
const MAX_COMMAND = 1_000;

const SETTINGS_OPTIONS = {
  url: { type: 'string' },
  password: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function isCommand(name: string | undefined): name is CommandName {
  return name !== undefined && name !== 'main' && Object.hasOwn(HELP, name);
}

function expectPositionals(positionals: string[], names: string[]): string[] {
  if (positionals.length < names.length) {
    throw new UsageError(`missing <${names[positionals.length]}>`);
  }
  if (positionals.length > names.length) {
    const quote = names.includes('message') ? ' (quote a message that has spaces)' : '';
    throw new UsageError(`unexpected argument ${JSON.stringify(positionals[names.length])}${quote}`);
  }
  return positionals;
}

function checkLevel(value: string | undefined): string | undefined {
  if (value === undefined || /^\d+$/.test(value) || Object.hasOwn(LEVELS, value.toLowerCase())) return value;
  throw new UsageError(`--level must be one of ${Object.keys(LEVELS).join(', ')} or a number; received ${JSON.stringify(value)}`);
}

/** One line that says what went wrong and what to do, safe to print. */
function describeError(error: unknown): string {
  return escapeControls(explainError(error));
}

function explainError(error: unknown): string {
  if (error instanceof WatchtowerError) {
    const hint = error.hint.replace(/\s+/g, ' ');
    if (error.status === 401) return `the server refused the password (401): check WATCHTOWER_PASSWORD or --password`;
    if (error.code === 'NETWORK_ERROR' || error.code === 'TIMEOUT') {
      const tries = error.attempts === 1 ? '' : ` (tried ${error.attempts} times)`;
      return `${hint}${tries}: check WATCHTOWER_URL or --url, and that the server is running`;
    }
    if (error.status !== undefined && error.status >= 500) return `the server failed (${error.status} ${error.code}): ${hint}; try again later`;
    if (error.code === 'BAD_RESPONSE') return `${hint}`;
    return `the server refused it (${error.status} ${error.code}): ${hint}`;
  }
  return error instanceof Error ? error.message.replace(/\s+/g, ' ') : String(error);
}

/** The event message of a failed job: what ran, where, how it ended, how long, and its last lines. */
export function describeFailure(commandLine: string[], job: JobResult, host: string): string {
  const quoted = commandLine.map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`)).join(' ');
  // A command line can be longer than a whole message (xargs): its start says what ran.
  const shown = quoted.length > MAX_COMMAND ? `${keepHead(quoted, MAX_COMMAND)}…` : quoted;
  const head = `\`${shown}\` failed on ${host}: ${job.outcome} after ${formatDuration(job.durationMs / 1000)}`;
  const lines = job.tail.lines();
  if (lines.length === 0) return `${head}\n(no output)`;
  const counted =
    job.tail.total > lines.length ? `last ${lines.length} of ${job.tail.total} lines` : `${lines.length} ${lines.length === 1 ? 'line' : 'lines'}`;
  let body = lines.join('\n');
  const intro = `${head}\n${counted} of output:\n`;
  // Oldest lines go first when the message would be too long for the server.
  if (intro.length + body.length > MAX_MESSAGE) body = `…${keepTail(body, MAX_MESSAGE - intro.length - 1)}`;
  return intro + body;
}

/** Runs the `watchtower` command line and answers its exit code. */
export async function runCli(argv: string[], context: CliContext): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    const topic = first === 'help' ? rest[0] : undefined;
    context.stdout(`${isCommand(topic) ? HELP[topic] : HELP.main}\n`);
    return 0;
  }
  if (first === '--version' || first === '-v') {
    context.stdout(`${context.version}\n`);
    return 0;
  }
  if (!isCommand(first)) {
    context.stderr(`watchtower: unknown command ${JSON.stringify(first)}; the commands are ${Object.keys(HELP).filter((name) => name !== 'main').join(', ')} (see watchtower --help)\n`);
    return 2;
  }
  try {
    return await runCommand(first, rest, context);
  } catch (error) {
    if (error instanceof UsageError) {
      context.stderr(`watchtower ${first}: ${escapeControls(error.message)}; see watchtower ${first} --help\n`);
      return 2;
    }
    context.stderr(`watchtower ${first}: ${describeError(error)}\n`);
    return 1;
  }
}

function parseOwnArguments(command: CommandName, args: string[]) {
  try {
    return parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        ...SETTINGS_OPTIONS,
        'next-in': { type: 'string' },
        // A flag for events (the protocol's `alert: true`), a channel for pulses.
        alert: { type: command === 'event' ? 'boolean' : 'string' },
        level: { type: 'string' },
        service: { type: 'string' },
        since: { type: 'string' },
        message: { type: 'string' },
        limit: { type: 'string' },
        tail: { type: 'string' },
      },
    });
  } catch (error) {
    throw usageErrorOf(error);
  }
}

async function runCommand(command: CommandName, args: string[], context: CliContext): Promise<number> {
  // `run` takes its job after the first `--`; every other argument is its own.
  const split = command === 'run' ? args.indexOf('--') : -1;
  const own = split < 0 ? args : args.slice(0, split);
  const job = split < 0 ? [] : args.slice(split + 1);

  const { values, positionals } = parseOwnArguments(command, own);
  if (values.help) {
    context.stdout(`${HELP[command]}\n`);
    return 0;
  }
  const allowed: Record<CommandName, string[]> = {
    pulse: ['next-in', 'alert'],
    cancel: [],
    event: ['level', 'alert'],
    events: ['service', 'level', 'since', 'message', 'limit'],
    list: [],
    run: ['next-in', 'alert', 'tail'],
  };
  for (const name of Object.keys(values)) {
    if (!(name in SETTINGS_OPTIONS) && !allowed[command].includes(name)) throw new UsageError(`unknown option --${name}`);
  }

  const print = (value: unknown, text: string) => context.stdout(`${values.json ? JSON.stringify(value, null, 2) : escapeControls(text)}\n`);
  const connect = () => {
    const url = values.url ?? context.env.WATCHTOWER_URL;
    const password = values.password ?? context.env.WATCHTOWER_PASSWORD;
    if (!url) throw new UsageError('no server: set WATCHTOWER_URL (or pass --url), such as WATCHTOWER_URL=https://watchtower.example:4443');
    if (!password) throw new UsageError("no password: set WATCHTOWER_PASSWORD (or pass --password) to the server's password");
    try {
      return new WatchtowerClient({ url, password });
    } catch (error) {
      throw new UsageError(describeError(error).replace(/^watchtower: /, ''));
    }
  };
  const now = () => Date.now() / 1000;

  switch (command) {
    case 'pulse': {
      const [service] = expectPositionals(positionals, ['service']) as [string];
      const nextIn = parseDurationOption('next-in', values['next-in'], '1h');
      const alert = parseAlert(values.alert as string | undefined);
      const beat = await connect().pulse({ service, nextIn, ...alert });
      print(
        beat,
        `pulsed ${service}: ${beat.alertType}:${beat.alertTarget} is alerted if it is silent past ${formatDate(beat.expected)} (${formatRelative(beat.expected, now())})`,
      );
      return 0;
    }
    case 'cancel': {
      const [service] = expectPositionals(positionals, ['service']) as [string];
      const beat = await connect().cancel(service);
      print(beat, beat ? `cancelled ${service}: its silence is no longer alerted` : `${service} is not known to the server: nothing to cancel`);
      return 0;
    }
    case 'event': {
      const [service, message] = expectPositionals(positionals, ['service', 'message']) as [string, string];
      const level = checkLevel(values.level) ?? 'info';
      const event = await connect().addEvent({ service, message, level: /^\d+$/.test(level) ? Number(level) : level.toLowerCase() as keyof typeof LEVELS, alert: values.alert === true });
      print(event, `recorded event ${event.id} of ${service}`);
      return 0;
    }
    case 'events': {
      expectPositionals(positionals, []);
      const limit = parseCount('limit', values.limit, 100, 100_000);
      const level = checkLevel(values.level);
      const since = values.since === undefined ? undefined : parseDurationOption('since', values.since, '2h');
      const events = [];
      const pages = connect().allEvents({
        service: values.service,
        level: level !== undefined && /^\d+$/.test(level) ? Number(level) : (level?.toLowerCase() as keyof typeof LEVELS | undefined),
        message: values.message,
        from: since === undefined ? undefined : now() - since,
        limit: Math.min(limit, 1_000),
      });
      for await (const event of pages) {
        events.push(event);
        if (events.length >= limit) break;
      }
      print(events, events.length ? formatEvents(events) : 'no events match');
      return 0;
    }
    case 'list': {
      expectPositionals(positionals, []);
      const beats = await connect().heartbeats();
      print(beats, beats.length ? formatHeartbeats(beats, now()) : 'no heartbeats yet');
      return 0;
    }
    case 'run': {
      const [service] = expectPositionals(positionals, ['service']) as [string];
      const nextIn = parseDurationOption('next-in', values['next-in'], '1d');
      const alert = parseAlert(values.alert as string | undefined);
      const tail = parseCount('tail', values.tail, 20, 1_000);
      const [program, ...programArgs] = job;
      if (program === undefined) {
        throw new UsageError('the job to run goes after --, such as watchtower run nightly --next-in 1d --alert log:ops -- /usr/local/bin/backup');
      }
      const client = connect();
      const result = await runJob(program, programArgs, tail);
      try {
        if (result.code === 0) {
          await client.pulse({ service, nextIn, ...alert });
        } else {
          const message = describeFailure(job, result, hostname());
          await client.addEvent({ service, level: 'error', message });
          context.stderr(`watchtower run: ${service} failed (${result.outcome}); recorded as an error event\n`);
        }
      } catch (error) {
        // The job's own outcome is the exit code; a report that did not arrive is said on stderr.
        context.stderr(`watchtower run: could not report ${service} to the server: ${describeError(error)}\n`);
      }
      return result.code;
    }
  }
}
