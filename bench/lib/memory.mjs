// Resident memory (VmRSS in /proc/PID/status; undefined where there is no /proc).
import { readFileSync } from 'node:fs';

/** The resident set of `pid` in MB, or undefined when it cannot be read. */
export function rssMegabytes(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kilobytes = /^VmRSS:\s+(\d+) kB/m.exec(status);
    return kilobytes ? Number(kilobytes[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Samples the RSS of `pid` every `ms` until the answered function is called; it answers the
 * median and the largest sample in MB (undefined when none could be read).
 */
export function sampleRss(pid, ms = 250) {
  const samples = [];
  const take = () => {
    const mb = rssMegabytes(pid);
    if (mb !== undefined) samples.push(mb);
  };
  take();
  const timer = setInterval(take, ms);
  return () => {
    clearInterval(timer);
    take();
    if (samples.length === 0) return { median: undefined, max: undefined };
    const sorted = [...samples].sort((a, b) => a - b);
    return { median: sorted[Math.floor(sorted.length / 2)], max: sorted[sorted.length - 1] };
  };
}
