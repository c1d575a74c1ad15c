import { GLOBAL_OPTIONS, MAIN_OPTIONS, type Command, type OptionSpec, type OptionSpecs } from './command.js';
import { COMMANDS, commandsOf, findCommand } from './commands/index.js';

// Where the description of an option or a command starts.
const OPTION_COLUMN = 24;
const COMMAND_COLUMN = 28;

/** What the option takes, as its help and its usage show it. */
function valueName(spec: OptionSpec): string | undefined {
  switch (spec.type) {
    case 'string':
      return spec.value;
    case 'boolean':
      return undefined;
    case 'duration':
      return 'DURATION';
    case 'date':
      return 'DATE';
    case 'count':
      return 'N';
    case 'level':
      return 'LEVEL';
    case 'alert':
      return 'TYPE:TARGET';
    case 'list':
      return spec.value;
  }
}

function defaultOf(spec: OptionSpec): string | undefined {
  if (spec.type === 'string' && spec.env) return spec.note ? `$${spec.env}; ${spec.note}` : `$${spec.env}`;
  if ((spec.type === 'count' || spec.type === 'level') && spec.default !== undefined) return String(spec.default);
  return undefined;
}

function isRequired(spec: OptionSpec): boolean {
  return (spec.type === 'alert' || spec.type === 'duration' || spec.type === 'string') && spec.required === true;
}

/** Labels padded to `column`, then their text; further lines of a text line up under the first. */
function formatColumns(rows: [label: string, text: string][], column: number): string {
  return rows
    .map(([label, text]) => {
      const [first, ...more] = text.split('\n');
      return [`  ${label.padEnd(column - 1)} ${first}`, ...more.map((line) => ' '.repeat(column + 2) + line)].join('\n');
    })
    .join('\n');
}

function formatOptions(specs: OptionSpecs): string {
  const rows = Object.entries(specs).map(([name, spec]): [string, string] => {
    const value = valueName(spec);
    const label = `${'short' in spec && spec.short ? `-${spec.short}, ` : ''}--${name}${value ? ` ${value}` : ''}`;
    const fallback = defaultOf(spec);
    return [label, fallback === undefined ? spec.help : `${spec.help} (default: ${fallback})`];
  });
  return formatColumns(rows, OPTION_COLUMN);
}

function formatSynopsis(command: Command): string {
  const words = [command.name, ...formatArguments(command)];
  for (const [name, spec] of Object.entries(command.options)) {
    const value = valueName(spec);
    const word = `--${name}${value ? ` ${value}` : ''}`;
    words.push(isRequired(spec) ? word : `[${word}]${spec.type === 'list' ? '…' : ''}`);
  }
  if (command.job) words.push('-- <command> [args…]');
  return words.join(' ');
}

/** `<service>`, `<message…>` for a last argument that takes the words left, `[<service>]` for one that may be left out. */
function formatArguments(command: Command): string[] {
  const last = command.arguments.length - 1;
  return command.arguments.map((name, index) => {
    if (index !== last) return `<${name}>`;
    if (command.lastTakesRest) return `<${name}…>`;
    return command.lastOptional ? `[<${name}>]` : `<${name}>`;
  });
}

const SETTINGS = `Settings (every command, before or after its name):\n${formatOptions(GLOBAL_OPTIONS)}`;

const SETTINGS_RULES = `The password: --password, else --password-file, else $WATCHTOWER_PASSWORD, else the file
of $WATCHTOWER_PASSWORD_FILE (the first given is used; both options at once is an error).
Quiet (-q): the commands that record (pulse, cancel, event, log, service put, pause,
resume, snooze, unsnooze, delete, keys revoke) print nothing when they succeed, even
with --json; keys create prints the secret alone; run passes the job's output through
and adds a line only when the job fails or cannot be reported;
events, list, runs and keys list still print what they find, and nothing when they find
nothing (with --json, []), so that cron mails only when there is something. Errors still
go to stderr, with the same exit codes.`;

function formatCommandList(commands: readonly Command[]): string {
  const rows = commands.map((command): [string, string] => [
    [command.name, ...formatArguments(command), ...(command.job ? ['-- <command>'] : [])].join(' '),
    command.summary,
  ]);
  return formatColumns(rows, COMMAND_COLUMN);
}

/** The help of a group of commands, such as `keys`: its commands. */
export function formatGroupHelp(group: string): string {
  return `Usage: watchtower ${group} <command> [options]

Commands:
${formatCommandList(commandsOf(group))}

Help of a command: watchtower ${group} <command> --help, or watchtower help ${group} <command>`;
}

/** The help that `words` ask for: a command's, a group's, or else the main help. */
export function formatHelpOf(words: readonly string[]): string {
  const found = findCommand(words);
  if (found) return formatCommandHelp(found.command);
  if (commandsOf(words[0]).length > 0) return formatGroupHelp(words[0]!);
  return formatMainHelp();
}

/** The help of `watchtower` itself: its commands and settings. */
export function formatMainHelp(): string {
  return `watchtower: heartbeats, events and API keys of a watchtower server, from a shell or from cron

Usage: watchtower <command> [options]

Commands:
${formatCommandList(COMMANDS)}

${SETTINGS}
${formatOptions(MAIN_OPTIONS)}

${SETTINGS_RULES}

Durations: 90 or 90s (seconds), 15m, 1h, 1d, 1w, several units (1h30m), fractions (1.5h).
Help of a command: watchtower <command> --help, or watchtower help <command>`;
}

/** The help of one command: its usage, what it does, its options, the settings and examples. */
export function formatCommandHelp(command: Command): string {
  const parts = [`Usage: watchtower ${formatSynopsis(command)}`, command.description];
  if (Object.keys(command.options).length > 0) parts.push(`Options:\n${formatOptions(command.options)}`);
  parts.push(SETTINGS, SETTINGS_RULES);
  const examples = command.examples ?? [];
  if (examples.length > 0) {
    const title = command.examplesTitle ?? (examples.length === 1 ? 'Example' : 'Examples');
    parts.push(`${title}:\n${examples.map((line) => `  ${line}`).join('\n')}`);
  }
  return parts.join('\n\n');
}
