#!/usr/bin/env node
import { runCli } from './cli.js';

declare const __WATCHTOWER_VERSION__: string;

process.exitCode = await runCli(process.argv.slice(2), {
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  version: __WATCHTOWER_VERSION__,
});
