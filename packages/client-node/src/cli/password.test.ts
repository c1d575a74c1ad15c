import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readPassword } from './password.js';

const folder = mkdtempSync(join(tmpdir(), 'watchtower-password-'));

afterAll(() => rmSync(folder, { recursive: true, force: true }));

function fileWith(name: string, content: string): string {
  const path = join(folder, name);
  writeFileSync(path, content);
  return path;
}

describe('readPassword', () => {
  it.each([
    ['no newline', 'file-secret'],
    ['a newline', 'file-secret\n'],
    ['several newlines', 'file-secret\n\n\n'],
    ['a Windows newline', 'file-secret\r\n'],
  ])('reads the file of --password-file, ending with %s, without its trailing newlines', (name, content) => {
    expect(readPassword({ passwordFile: fileWith(name, content) }, {})?.value).toBe('file-secret');
  });

  it('keeps the spaces of a password file, as the server does', () => {
    expect(readPassword({ passwordFile: fileWith('spaces', ' spaced secret \n') }, {})?.value).toBe(' spaced secret ');
  });

  it('takes --password before WATCHTOWER_PASSWORD and WATCHTOWER_PASSWORD_FILE', () => {
    const env = { WATCHTOWER_PASSWORD: 'from-env', WATCHTOWER_PASSWORD_FILE: fileWith('env-1', 'from-env-file') };
    expect(readPassword({ password: 'from-flag' }, env)).toEqual({ value: 'from-flag', from: '--password' });
  });

  it('takes --password-file before WATCHTOWER_PASSWORD and WATCHTOWER_PASSWORD_FILE', () => {
    const file = fileWith('flag-2', 'from-flag-file');
    const env = { WATCHTOWER_PASSWORD: 'from-env', WATCHTOWER_PASSWORD_FILE: fileWith('env-2', 'from-env-file') };
    expect(readPassword({ passwordFile: file }, env)).toEqual({ value: 'from-flag-file', from: `the file "${file}" of --password-file` });
  });

  it('takes WATCHTOWER_PASSWORD before WATCHTOWER_PASSWORD_FILE, and does not read the file', () => {
    const env = { WATCHTOWER_PASSWORD: 'from-env', WATCHTOWER_PASSWORD_FILE: join(folder, 'never-written') };
    expect(readPassword({}, env)).toEqual({ value: 'from-env', from: 'WATCHTOWER_PASSWORD' });
  });

  it('reads WATCHTOWER_PASSWORD_FILE when nothing else is given, or WATCHTOWER_PASSWORD is empty', () => {
    const file = fileWith('env-3', 'from-env-file\n');
    expect(readPassword({}, { WATCHTOWER_PASSWORD: '', WATCHTOWER_PASSWORD_FILE: file })).toEqual({
      value: 'from-env-file',
      from: `the file "${file}" of WATCHTOWER_PASSWORD_FILE`,
    });
  });

  it('answers nothing when no password is given', () => {
    expect(readPassword({}, { WATCHTOWER_PASSWORD: '', WATCHTOWER_PASSWORD_FILE: '' })).toBeUndefined();
  });

  it('refuses --password and --password-file together, asking to pick one', () => {
    expect(() => readPassword({ password: 'x', passwordFile: fileWith('both', 'y') }, {})).toThrow(
      '--password and --password-file both give the password: pick one',
    );
  });

  it('names the file, what named it and the reason when the file cannot be read', () => {
    const missing = join(folder, 'missing');
    expect(() => readPassword({ passwordFile: missing }, {})).toThrow(
      `cannot read the password file "${missing}" (--password-file): no such file or directory (ENOENT)`,
    );
    expect(() => readPassword({}, { WATCHTOWER_PASSWORD_FILE: folder })).toThrow(
      `cannot read the password file "${folder}" (WATCHTOWER_PASSWORD_FILE): illegal operation on a directory (EISDIR)`,
    );
  });

  it.each([
    ['empty', ''],
    ['only newlines', '\n\n'],
  ])('says that a password file that is %s is empty', (name, content) => {
    const path = fileWith(name, content);
    expect(() => readPassword({ passwordFile: path }, {})).toThrow(
      `the password file "${path}" (--password-file) is empty; write the server's password in it`,
    );
  });

  it('refuses a password file of several lines, which no header could carry', () => {
    const path = fileWith('two-lines', 'first\nsecond\n');
    expect(() => readPassword({ passwordFile: path }, {})).toThrow(/holds more than one line; write only the server's password in it$/);
  });
});
