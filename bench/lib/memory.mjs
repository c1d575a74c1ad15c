// Resident memory (VmRSS in /proc/PID/status; undefined where there is no /proc).
import { readFileSync } from 'node:fs';
import { processTree } from './processes.mjs';

function ownRss(pid) {
  try {
    const kilobytes = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return kilobytes ? Number(kilobytes[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** The resident set of `pid` and its descendants in MB, or undefined when it cannot be read. */
export function rssMegabytes(pid) {
  const own = ownRss(pid);
  if (own === undefined) return undefined;
  let total = own;
  for (const child of processTree(pid).slice(1)) total += ownRss(child) ?? 0;
  return total;
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
