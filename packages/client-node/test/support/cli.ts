import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { PASSWORD } from './server.js';

export const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

export interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built `watchtower` command against `url`, with only the settings given here in its environment. */
export function runWatchtower(url: string, args: string[], env: Record<string, string> = {}): Promise<Outcome> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { env: { PATH: process.env.PATH ?? '', WATCHTOWER_URL: url, WATCHTOWER_PASSWORD: PASSWORD, ...env } },
      (error, stdout, stderr) => done({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }),
    );
  });
}
