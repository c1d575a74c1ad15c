import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { LevelName } from '@watchtower/protocol';
import { WatchtowerClient } from '../client.js';
import type { Level } from '../core/client.js';
import { WatchtowerError } from '../core/errors.js';
import { LEVELS } from '@watchtower/protocol/vocabulary';
import { GLOBAL_OPTIONS, MAIN_OPTIONS, type Command, type CommandIo, type OptionSpecs, type OptionValues } from './command.js';
import { COMMANDS, commandsOf, findCommand } from './commands/index.js';
import { escapeControls } from './format.js';
import { formatCommandHelp, formatGroupHelp, formatHelpOf } from './help.js';
import { parseAlert, parseCount, parseDateOption, parseDurationOption, usageErrorOf, UsageError } from './options.js';
import { type Password, readPassword } from './password.js';

export { describeFailure } from './run-messages.js';

export interface CliContext {
  env: Record<string, string | undefined>;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  version: string;
}

function expectPositionals(positionals: string[], names: string[], lastTakesRest = false, lastOptional = false): string[] {
  if (positionals.length < names.length - (lastOptional ? 1 : 0)) {
    throw new UsageError(`missing <${names[positionals.length]}>`);
  }
  if (lastTakesRest) return [...positionals.slice(0, names.length - 1), positionals.slice(names.length - 1).join(' ')];
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

/** One line that says what went wrong and what to do, safe to print; `passwordFrom` names where the password came from. */
function describeError(error: unknown, passwordFrom = 'the password'): string {
  return escapeControls(explainError(error, passwordFrom));
}

function explainError(error: unknown, passwordFrom: string): string {
  if (error instanceof WatchtowerError) {
    const hint = error.hint.replace(/\s+/g, ' ');
    if (error.status === 401) return `the server refused the password (401): check ${passwordFrom}`;
    if (error.code === 'NETWORK_ERROR' || error.code === 'TIMEOUT') {
      const tries = error.attempts === 1 ? '' : ` (tried ${error.attempts} times)`;
      return `${hint}${tries}: check WATCHTOWER_URL or --url, and that the server is running`;
    }
    if (error.status !== undefined && error.status >= 500)
      return `the server failed (${error.status} ${error.code}): ${hint}; try again later`;
    if (error.code === 'BAD_RESPONSE') return `${hint}`;
    return `the server refused it (${error.status} ${error.code}): ${hint}`;
  }
  return error instanceof Error ? error.message.replace(/\s+/g, ' ') : String(error);
}

/** Runs the `watchtower` command line and answers its exit code. */
export async function runCli(argv: string[], context: CliContext): Promise<number> {
  let line: CommandLine;
  try {
    line = readCommandLine(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    context.stderr(`watchtower: ${escapeControls(error.message)}; see watchtower --help\n`);
    return 2;
  }
  const { leading, name, rest } = line;
  if (leading.version) {
    context.stdout(`${context.version}\n`);
    return 0;
  }
  const words = name === undefined ? [] : [name, ...rest];
  if (name === 'help' || leading.help || argv.length === 0) {
    context.stdout(`${formatHelpOf(name === 'help' ? rest : words)}\n`);
    return 0;
  }
  const found = findCommand(words);
  if (!found) return refuseCommand(words, context);
  const { command } = found;
  try {
    return await runCommand(command, leading, found.rest, context);
  } catch (error) {
    if (error instanceof UsageError) {
      context.stderr(`watchtower ${command.name}: ${escapeControls(error.message)}; see watchtower ${command.name} --help\n`);
      return 2;
    }
    context.stderr(`watchtower ${command.name}: ${describeError(error)}\n`);
    return 1;
  }
}

/** Says that `words` name no command, with the commands there are; a group asked for help gives it. */
function refuseCommand(words: string[], context: CliContext): number {
  const [first, second] = words;
  const group = commandsOf(first);
  if (group.length === 0) {
    const known = COMMANDS.map((each) => each.name).join(', ');
    const what = first === undefined ? 'no command' : `unknown command ${JSON.stringify(first)}`;
    context.stderr(`watchtower: ${what}; the commands are ${known} (see watchtower --help)\n`);
    return 2;
  }
  if (second === '--help' || second === '-h') {
    context.stdout(`${formatGroupHelp(first!)}\n`);
    return 0;
  }
  const known = group.map((each) => each.name.slice(first!.length + 1)).join(', ');
  const what = second === undefined ? 'no command' : `unknown command ${JSON.stringify(second)}`;
  context.stderr(`watchtower ${first}: ${what}; the ${first} commands are ${known} (see watchtower ${first} --help)\n`);
  return 2;
}

type RawValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

interface CommandLine {
  /** The settings given before the command's name. */
  leading: RawValues;
  name: string | undefined;
  /** What follows the command's name. */
  rest: string[];
}

const LEADING_OPTIONS = { ...GLOBAL_OPTIONS, ...MAIN_OPTIONS };

/** Splits the command line at the command's name: settings before it, its own arguments after. */
function readCommandLine(argv: string[]): CommandLine {
  const options = parseConfigOf(LEADING_OPTIONS);
  const { tokens } = parseArgs({ args: argv, options, strict: false, allowPositionals: true, tokens: true });
  let end = argv.length;
  for (const token of tokens) {
    if (token.kind !== 'option') {
      end = token.index;
      break;
    }
    if (!Object.hasOwn(options, token.name)) {
      throw new UsageError(`unknown option ${token.rawName} before the command; the options of a command go after its name`);
    }
  }
  try {
    const { values } = parseArgs({ args: argv.slice(0, end), options, strict: true });
    return { leading: values, name: argv[end], rest: argv.slice(end + 1) };
  } catch (error) {
    throw usageErrorOf(error);
  }
}

function parseConfigOf(specs: OptionSpecs): NonNullable<ParseArgsConfig['options']> {
  return Object.fromEntries(
    Object.entries(specs).map(([name, spec]) => [
      name,
      {
        type: spec.type === 'boolean' ? 'boolean' : 'string',
        ...(spec.type === 'list' ? { multiple: true } : {}),
        ...('short' in spec && spec.short ? { short: spec.short } : {}),
      },
    ]),
  );
}

async function runCommand(command: Command, leading: RawValues, args: string[], context: CliContext): Promise<number> {
  // A job's command line starts after the first `--`; every argument before it is the command's own.
  const split = command.job ? args.indexOf('--') : -1;
  const own = split < 0 ? args : args.slice(0, split);
  const job = split < 0 ? [] : args.slice(split + 1);

  const parsed = parseOwnArguments(command, own);
  const values = { ...leading, ...parsed.values };
  if (values.help) {
    context.stdout(`${formatCommandHelp(command)}\n`);
    return 0;
  }
  const positionals = expectPositionals(parsed.positionals, [...command.arguments], command.lastTakesRest, command.lastOptional);
  const named = Object.fromEntries(command.arguments.map((name, index) => [name, positionals[index] ?? '']));
  const options = readOptions(command.options, values, context.env);
  const settings = readOptions(GLOBAL_OPTIONS, values, context.env);
  const io = createIo(settings, values, context);
  try {
    return await command.run({ args: named, options, job, io });
  } catch (error) {
    if (error instanceof UsageError) throw error;
    context.stderr(`watchtower ${command.name}: ${io.describeError(error)}\n`);
    return 1;
  }
}

function parseOwnArguments(command: Command, args: string[]): { values: RawValues; positionals: string[] } {
  try {
    return parseArgs({ args, allowPositionals: true, strict: true, options: parseConfigOf({ ...GLOBAL_OPTIONS, ...command.options }) });
  } catch (error) {
    // Help asked for next to a mistake is still help.
    if (args.includes('--help') || args.includes('-h')) return { values: { help: true }, positionals: [] };
    throw usageErrorOf(error);
  }
}

/** The options of `specs` read from the command line (or their variables), checked and typed. */
function readOptions<O extends OptionSpecs>(specs: O, values: RawValues, env: CliContext['env']): OptionValues<O> {
  const read: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const raw = values[name];
    const text = typeof raw === 'string' ? raw : undefined;
    switch (spec.type) {
      case 'string':
        read[name] = text ?? (spec.env === undefined ? undefined : env[spec.env]);
        if (spec.required && !read[name]) {
          throw new UsageError(`--${name} is required${spec.example ? `, such as --${name} ${spec.example}` : ''}`);
        }
        break;
      case 'boolean':
        read[name] = raw === true;
        break;
      case 'duration':
        read[name] = text === undefined && !spec.required ? undefined : parseDurationOption(name, text, spec.example);
        break;
      case 'date':
        read[name] = text === undefined ? undefined : parseDateOption(name, text);
        break;
      case 'count':
        read[name] = parseCount(name, text, spec.default, spec.max);
        break;
      case 'level':
        read[name] = readLevel(text) ?? spec.default;
        break;
      case 'alert':
        read[name] = text === undefined && !spec.required ? undefined : parseAlert(text);
        break;
      case 'list':
        read[name] = Array.isArray(raw) ? raw.filter((value) => typeof value === 'string') : [];
        break;
    }
  }
  // Each value was read by the reader of its spec's type, as OptionValues maps it.
  return read as OptionValues<O>;
}

function readLevel(value: string | undefined): Level | undefined {
  const level = checkLevel(value);
  if (level === undefined) return undefined;
  return /^\d+$/.test(level) ? Number(level) : (level.toLowerCase() as LevelName);
}

const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

function createIo(settings: OptionValues<typeof GLOBAL_OPTIONS>, values: RawValues, context: CliContext): CommandIo {
  let password: Password | undefined;
  const show = (value: unknown, text: string) =>
    context.stdout(`${settings.json ? JSON.stringify(value, null, 2) : escapeControls(text)}\n`);
  return {
    connect: () => {
      if (!settings.url) {
        throw new UsageError('no server: set WATCHTOWER_URL (or pass --url), such as WATCHTOWER_URL=https://watchtower.example:4443');
      }
      password = readPassword({ password: textOf(values.password), passwordFile: textOf(values['password-file']) }, context.env);
      return connectTo(settings.url, password);
    },
    printFound: (found, text, none) => {
      if (found.length > 0 || settings.json) show(found, text);
      else if (!settings.quiet) show(found, none);
    },
    printRead: (value, text) => show(value, text),
    printDone: (value, text) => {
      if (!settings.quiet) show(value, text);
    },
    printCreated: (value, text, essential) => {
      if (settings.quiet) context.stdout(`${escapeControls(essential)}\n`);
      else show(value, text);
    },
    stderr: context.stderr,
    printLive: (value, text) => context.stdout(`${settings.json ? JSON.stringify(value) : escapeControls(text)}\n`),
    quiet: settings.quiet,
    untilStopped: () => {
      const controller = new AbortController();
      const stop = () => controller.abort();
      for (const signal of STOP_SIGNALS) process.once(signal, stop);
      controller.signal.addEventListener('abort', () => {
        for (const signal of STOP_SIGNALS) process.off(signal, stop);
      });
      return controller.signal;
    },
    now: () => Date.now() / 1000,
    describeError: (error) => describeError(error, password?.from),
  };
}

function textOf(raw: RawValues[string]): string | undefined {
  return typeof raw === 'string' ? raw : undefined;
}

function connectTo(url: string, password: Password | undefined): WatchtowerClient {
  if (!password?.value) {
    throw new UsageError(
      "no password: set WATCHTOWER_PASSWORD or WATCHTOWER_PASSWORD_FILE (or pass --password-file or --password) to the server's password",
    );
  }
  try {
    return new WatchtowerClient({ url, password: password.value });
  } catch (error) {
    throw new UsageError(describeError(error).replace(/^watchtower: /, ''));
  }
}
