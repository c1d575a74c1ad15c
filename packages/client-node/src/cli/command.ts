import type { AlertType, LevelName } from '@watchtower/protocol';
import type { WatchtowerClient } from '../client.js';
import type { Level } from '../core/client.js';

/**
 * An option as a command declares it: its type says how its text is read (and checked),
 * `help` is its line in the help, where a second line starts after `\n`.
 */
export type OptionSpec =
  /**
   * Text as given; `env` names the variable read when the option is absent, `note` follows it in the help.
   * A `required` one shows `example` in the error when it is missing.
   */
  | { type: 'string'; value: string; help: string; env?: string; note?: string; short?: string; required?: boolean; example?: string }
  | { type: 'boolean'; help: string; short?: string }
  /** Seconds, from `90`, `15m`, `1h`…; `example` shows a value in the error of a missing one. */
  | { type: 'duration'; help: string; required: boolean; example: string }
  /** A point in time, as Unix seconds: ISO-8601 (local time without a zone) or Unix seconds. */
  | { type: 'date'; help: string }
  /** A whole number from 1 to `max`. */
  | { type: 'count'; help: string; default: number; max: number }
  /** A level name or number. */
  | { type: 'level'; help: string; default?: LevelName }
  /** `TYPE:TARGET`. */
  | { type: 'alert'; help: string; required: boolean }
  /** Text that may be given more than once: every value, in order. */
  | { type: 'list'; value: string; help: string };

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

type OptionValue<S extends OptionSpec> = S extends { type: 'string'; required: true }
  ? string
  : S extends { type: 'string' }
    ? string | undefined
    : S extends { type: 'boolean' }
      ? boolean
      : S extends { type: 'duration'; required: true }
        ? number
        : S extends { type: 'duration' | 'date' }
          ? number | undefined
          : S extends { type: 'count' }
            ? number
            : S extends { type: 'level'; default: string }
              ? Level
              : S extends { type: 'level' }
                ? Level | undefined
                : S extends { type: 'list' }
                  ? string[]
                  : S extends { type: 'alert'; required: true }
                    ? Alert
                    : Alert | undefined;

type Alert = { alertType: AlertType; alertTarget: string };

/** The options of a command once read: seconds for a duration, a number for a count… */
export type OptionValues<O extends OptionSpecs> = { -readonly [K in keyof O]: OptionValue<O[K]> };

/** What a command may do besides reading its input: talk to the server, print, warn. */
export interface CommandIo {
  /** A client for the server of --url and the password (see readPassword). */
  connect(): WatchtowerClient;
  /**
   * Prints what a command that reads was run for: `found` as JSON under --json, else `text`,
   * or `none` when nothing was found, which --quiet leaves out.
   */
  printFound(found: readonly unknown[], text: string, none: string): void;
  /** Prints what a command that reads found, as one whole: `value` as JSON under --json, else `text`. */
  printRead(value: unknown, text: string): void;
  /** Says what a command that records did: `value` as JSON under --json, else `text`; nothing under --quiet. */
  printDone(value: unknown, text: string): void;
  /**
   * Says what a command that creates did, with what is shown this once: `value` as JSON under
   * --json, else `text`; under --quiet only `essential` (a secret for a script to keep).
   */
  printCreated(value: unknown, text: string, essential: string): void;
  stderr(text: string): void;
  /**
   * Prints what a command that follows a stream found, as it comes: `value` as one line of
   * JSON under --json, else `text`.
   */
  printLive(value: unknown, text: string): void;
  /** Whether --quiet was given. */
  quiet: boolean;
  /** Aborts on Ctrl-C (SIGINT) or SIGTERM: a command that runs until stopped ends then. */
  untilStopped(): AbortSignal;
  /** Unix seconds. */
  now(): number;
  /** One line that says what went wrong and what to do, safe to print. */
  describeError(error: unknown): string;
}

export interface CommandInput<A extends readonly string[], O extends OptionSpecs> {
  args: Record<A[number], string>;
  options: OptionValues<O>;
  /** The command line after `--`, for a command that runs a job. */
  job: string[];
  io: CommandIo;
}

export interface Command<A extends readonly string[] = readonly string[], O extends OptionSpecs = OptionSpecs> {
  name: string;
  /** Its line in the list of commands. */
  summary: string;
  /** Its positional arguments, in order, all required but the last when `lastOptional`. */
  arguments: A;
  /** Whether its last argument may be left out: it is then "". */
  lastOptional?: boolean;
  /** Whether its last argument takes every word left, joined by spaces (a message needs no quotes). */
  lastTakesRest?: boolean;
  /** Whether it takes a command line to run after `--`. */
  job?: boolean;
  description: string;
  options: O;
  examples?: readonly string[];
  /** The heading of the examples, when not `Example` or `Examples`. */
  examplesTitle?: string;
  /** Runs it with its input read and checked; answers the exit code. */
  run(input: CommandInput<A, O>): Promise<number>;
}

/** A command of the table, its input typed from its declaration. */
export function defineCommand<const A extends readonly string[], const O extends OptionSpecs>(command: Command<A, O>): Command<A, O> {
  return command;
}

/** The settings every command takes, before or after its name. */
export const GLOBAL_OPTIONS = {
  url: { type: 'string', value: 'URL', help: 'the server, such as https://watchtower.example:4443', env: 'WATCHTOWER_URL' },
  password: {
    type: 'string',
    value: 'SECRET',
    help: 'its password, or an API key',
    env: 'WATCHTOWER_PASSWORD',
    note: 'prefer a file or the variable, arguments show in ps',
  },
  'password-file': {
    type: 'string',
    value: 'PATH',
    help: 'a file that holds its password, trailing newlines dropped',
    env: 'WATCHTOWER_PASSWORD_FILE',
  },
  json: { type: 'boolean', help: 'print the answer as JSON' },
  quiet: {
    type: 'boolean',
    short: 'q',
    help: 'print nothing on success but what events, list and runs find (see below)',
  },
  help: { type: 'boolean', short: 'h', help: 'this help' },
} as const satisfies OptionSpecs;

/** The options of `watchtower` itself, before any command. */
export const MAIN_OPTIONS = {
  version: { type: 'boolean', short: 'v', help: 'the version of this command' },
} as const satisfies OptionSpecs;
