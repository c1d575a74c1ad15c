import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { OutputTail } from './output-tail.js';

export interface JobResult {
  /** The exit code to pass on: the job's, 128 + the signal's number, or 126/127 when it could not start. */
  code: number;
  /** How it ended, in words: `exit code 1`, `killed by SIGTERM`, `could not start: command not found`. */
  outcome: string;
  durationMs: number;
  tail: OutputTail;
}

const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Runs a command as it is (no shell), passing its output through while keeping the last
 * `tailLines` lines; SIGINT, SIGTERM and SIGHUP sent to this process are passed on to the
 * job's whole process group.
 */
export async function runJob(command: string, args: string[], tailLines: number): Promise<JobResult> {
  const tail = new OutputTail(tailLines);
  const started = performance.now();
  // Its own process group, so a signal reaches the whole job (a shell script's children too).
  const child = spawn(command, args, { stdio: ['inherit', 'pipe', 'pipe'], detached: true });
  child.stdout?.on('data', (chunk: Buffer) => {
    process.stdout.write(chunk);
    tail.write('stdout', chunk);
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    process.stderr.write(chunk);
    tail.write('stderr', chunk);
  });
  const forward = (signal: NodeJS.Signals) => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, signal);
    } catch {
      // The group is gone already (or never formed): the job itself is all there is to tell.
      child.kill(signal);
    }
  };
  for (const signal of FORWARDED) process.on(signal, forward);

  try {
    const ending = await new Promise<Pick<JobResult, 'code' | 'outcome'>>((settle) => {
      child.once('error', (error: NodeJS.ErrnoException) => {
        const missing = error.code === 'ENOENT';
        settle({
          code: missing ? 127 : 126,
          outcome: `could not start: ${missing ? 'command not found' : error.code === 'EACCES' ? 'permission denied' : error.message}`,
        });
      });
      // 'close' rather than 'exit': the output is complete by then.
      child.once('close', (code, signal) => {
        if (signal) settle({ code: 128 + (constants.signals[signal] ?? 0), outcome: `killed by ${signal}` });
        else settle({ code: code ?? 1, outcome: `exit code ${code ?? 1}` });
      });
    });
    tail.end();
    return { ...ending, durationMs: performance.now() - started, tail };
  } finally {
    for (const signal of FORWARDED) process.off(signal, forward);
  }
}
