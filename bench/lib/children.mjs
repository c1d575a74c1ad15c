// Child processes, temporary folders and the clean-up that stops and removes them however
// the run ends (a signal included).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import { join } from 'node:path';

/** @type {Set<{ name: string, child: import('node:child_process').ChildProcess, exited: Promise<void> }>} */
const children = new Set();
const temporaryFolders = [];
/** Run before the children are stopped (`first`) and after (`last`). */
const cleanUpSteps = { first: [], last: [] };
let interrupted = false;
let cleaning;

/** Whether a signal asked the run to stop. */
export function isInterrupted() {
  return interrupted;
}

/** Throws once clean-up began or a signal came: nothing new may start then (it would outlive this process). */
export function assertNotStopping() {
  if (interrupted || cleaning) throw new Error('interrupted');
}

export function temporaryFolder(prefix) {
  const folder = mkdtempSync(join(os.tmpdir(), prefix));
  temporaryFolders.push(folder);
  return folder;
}

export async function freePort() {
  return new Promise((found, failed) => {
    const probe = createServer();
    probe.once('error', failed);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => found(port));
    });
  });
}

export function startChild(name, args, { env, cwd }) {
  assertNotStopping();
  const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const captured = { stdout: '', stderr: '', output: '' };
  // Kept bounded: a server that logs an error per request must not fill this process's memory.
  const keep = (text, chunk) => (text.length > 2_000_000 ? text : text + chunk);
  // Both streams in arrival order too: the server logs (pino, JSON lines) to stdout, crashes to stderr.
  for (const stream of ['stdout', 'stderr']) {
    child[stream].setEncoding('utf8').on('data', (chunk) => {
      captured[stream] = keep(captured[stream], chunk);
      captured.output = keep(captured.output, chunk);
    });
  }
  const handle = {
    name,
    child,
    stdout: () => captured.stdout,
    stderr: () => captured.stderr,
    output: () => captured.output,
    exit: undefined,
    exited: undefined,
  };
  handle.exited = new Promise((done) => {
    child.once('close', (code, signal) => {
      handle.exit = { code, signal };
      children.delete(handle);
      done();
    });
    child.once('error', (error) => {
      captured.stderr += `\n[bench] could not run the child: ${error.message}\n`;
      captured.output += `\n[bench] could not run the child: ${error.message}\n`;
    });
  });
  children.add(handle);
  return handle;
}

export const alive = (handle) => handle.exit === undefined;

/** SIGTERM (the server then closes its database cleanly); SIGKILL after `ms`. */
export async function stopChild(handle, ms = 15_000) {
  if (!alive(handle)) return handle.exit;
  handle.child.kill('SIGTERM');
  let timer;
  const late = new Promise((done) => (timer = setTimeout(() => done('late'), ms)));
  const outcome = await Promise.race([handle.exited, late]);
  clearTimeout(timer);
  if (outcome === 'late') {
    console.error(`bench: ${handle.name} did not stop within ${ms / 1000} s of SIGTERM; killing it`);
    handle.child.kill('SIGKILL');
    await Promise.race([handle.exited, new Promise((done) => setTimeout(done, 5_000))]);
  }
  return handle.exit;
}

/** Adds a step to the clean-up: before the children are stopped, or after with `{ last: true }`. */
export function addCleanUpStep(step, { last = false } = {}) {
  cleanUpSteps[last ? 'last' : 'first'].push(step);
}

/** Stops every child, runs the clean-up steps, removes the temporary folders; once. */
export function cleanUp() {
  cleaning ??= (async () => {
    for (const step of cleanUpSteps.first) await step();
    await Promise.all([...children].map((handle) => stopChild(handle)));
    for (const step of cleanUpSteps.last) await step();
    for (const folder of temporaryFolders) rmSync(folder, { recursive: true, force: true });
  })();
  return cleaning;
}

/** On SIGINT, SIGTERM or SIGHUP: clean up and exit 130; a second signal kills the children at once. */
export function cleanUpOnSignals() {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      if (interrupted) {
        // A second signal: no more waiting.
        for (const handle of children) handle.child.kill('SIGKILL');
        process.exit(130);
      }
      interrupted = true;
      console.error(`\nbench: ${signal}: stopping the children and dropping the bench database (again to force)`);
      cleanUp().finally(() => process.exit(130));
    });
  }
}

/** The last `lines` lines of a child's output. */
export function tail(text, lines = 40) {
  const all = text.trimEnd().split('\n');
  return (all.length > lines ? [`… (${all.length - lines} earlier lines)`, ...all.slice(-lines)] : all).join('\n');
}
