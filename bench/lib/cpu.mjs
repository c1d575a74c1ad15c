// CPU accounting (Linux /proc; left blank elsewhere), to see who had the 2 cores.
import { readdirSync, readFileSync } from 'node:fs';
import { processTree } from './processes.mjs';

const TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux this runs on

function processTicks(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]); // utime + stime
  } catch {
    return undefined;
  }
}

/** The ticks used between two readings of treeTicks (a process born in between counts from 0). */
function ticksSince(before, now) {
  let ticks = 0;
  for (const [pid, used] of now) ticks += used - (before.get(pid) ?? 0);
  return ticks;
}

/** CPU ticks of `pid` and of each process below it (a server's workers), by pid. */
function treeTicks(pid) {
  const ticks = new Map();
  for (const each of processTree(pid)) {
    const used = processTicks(each);
    if (used !== undefined) ticks.set(each, used);
  }
  return ticks;
}

/** CPU ticks of the PostgreSQL backends serving `database` (they come and go), by pid. */
function postgresTicks(database) {
  const ticks = new Map();
  let entries;
  try {
    entries = readdirSync('/proc');
  } catch {
    return undefined;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) !== 'postgres') continue;
      // A backend's title: "postgres: 15/main: USER DATABASE HOST(PORT) STATE".
      if (!readFileSync(`/proc/${entry}/cmdline`, 'utf8').split(' ').includes(database)) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks.set(entry, Number(fields[11]) + Number(fields[12]));
    } catch {
      // gone meanwhile
    }
  }
  return ticks;
}

/** Busy and stolen ticks of the whole machine, all cores. */
function machineTicks() {
  try {
    const [user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8')
      .split('\n')[0]
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    return { busy: user + nice + system + irq + softirq, steal };
  } catch {
    return undefined;
  }
}

/**
 * Who used the CPU during a run, in % of one core: the server, this load generator, the
 * PostgreSQL backends of the bench database, and everything else on the machine ("other",
 * e.g. someone's test run: a run with much of it is measured on a busy machine).
 */
export function cpuProbe(serverPid, database) {
  const wall = process.hrtime.bigint();
  const own = process.cpuUsage();
  const server = treeTicks(serverPid);
  const pg = database ? postgresTicks(database) : undefined;
  const total = machineTicks();
  return () => {
    const seconds = Number(process.hrtime.bigint() - wall) / 1e9;
    const ownUsed = process.cpuUsage(own);
    const percent = (cpuSeconds) => (cpuSeconds === undefined ? undefined : (100 * cpuSeconds) / seconds);
    const serverNow = treeTicks(serverPid);
    const totalNow = machineTicks();
    let pgSeconds;
    if (pg) {
      let ticks = 0;
      for (const [pid, now] of postgresTicks(database) ?? []) ticks += now - (pg.get(pid) ?? 0);
      pgSeconds = ticks / TICKS_PER_SECOND;
    }
    const usage = {
      server: percent(serverNow.has(serverPid) && server.has(serverPid) ? ticksSince(server, serverNow) / TICKS_PER_SECOND : undefined),
      generator: percent((ownUsed.user + ownUsed.system) / 1e6),
      postgres: percent(pgSeconds),
    };
    if (total && totalNow) {
      const busy = percent((totalNow.busy - total.busy) / TICKS_PER_SECOND);
      usage.other = Math.max(0, busy - (usage.server ?? 0) - usage.generator - (usage.postgres ?? 0));
      usage.steal = percent((totalNow.steal - total.steal) / TICKS_PER_SECOND);
    }
    return usage;
  };
}
