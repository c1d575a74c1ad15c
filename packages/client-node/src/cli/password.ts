import { readFileSync } from 'node:fs';
import { UsageError } from './options.js';

/** The password the command sends, and where it came from, as an error about it names it. */
export interface Password {
  value: string;
  /** `--password`, `WATCHTOWER_PASSWORD`, or the file and what named it. */
  from: string;
}

/**
 * The password from the first of `--password`, `--password-file`, `WATCHTOWER_PASSWORD` and
 * `WATCHTOWER_PASSWORD_FILE` that is given (an empty variable counts as unset); only that
 * one is read. Both options at once is a mistake: which one was meant is not clear.
 */
export function readPassword(
  flags: { password?: string | undefined; passwordFile?: string | undefined },
  env: Record<string, string | undefined>,
): Password | undefined {
  if (flags.password !== undefined && flags.passwordFile !== undefined) {
    throw new UsageError('--password and --password-file both give the password: pick one');
  }
  if (flags.password !== undefined) return { value: flags.password, from: '--password' };
  if (flags.passwordFile !== undefined) return readPasswordFile(flags.passwordFile, '--password-file');
  if (env.WATCHTOWER_PASSWORD) return { value: env.WATCHTOWER_PASSWORD, from: 'WATCHTOWER_PASSWORD' };
  if (env.WATCHTOWER_PASSWORD_FILE) return readPasswordFile(env.WATCHTOWER_PASSWORD_FILE, 'WATCHTOWER_PASSWORD_FILE');
  return undefined;
}

/** The file's text without its trailing newlines (as `echo` and editors leave them). */
function readPasswordFile(path: string, namedBy: string): Password {
  const file = `the password file ${JSON.stringify(path)} (${namedBy})`;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${describeFileError(error)}`);
  }
  const value = text.replace(/(\r?\n)+$/, '');
  if (value === '') throw new UsageError(`${file} is empty; write the server's password in it`);
  // A header cannot carry a line break: such a password could never be sent.
  if (/[\r\n]/.test(value)) throw new UsageError(`${file} holds more than one line; write only the server's password in it`);
  return { value, from: `the file ${JSON.stringify(path)} of ${namedBy}` };
}

/** `no such file or directory (ENOENT)` from Node's `ENOENT: no such file or directory, open '…'`. */
function describeFileError(error: unknown): string {
  const { code, message } = error as NodeJS.ErrnoException;
  const reason = /^[A-Z]+: (.*?)(, \w+(?: '.*')?)?$/s.exec(message ?? '')?.[1];
  return reason && code ? `${reason} (${code})` : String(message ?? error);
}
