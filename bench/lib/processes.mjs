// The processes of a server: it and its descendants (a server with WATCHTOWER_WORKERS runs
// its workers as child processes, and their memory and CPU are the server's too).
import { readdirSync, readFileSync } from 'node:fs';

function childrenOf(pid) {
  let found = [];
  let tasks;
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return found;
  }
  for (const task of tasks) {
    try {
      found = found.concat(readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number));
    } catch {
      // gone meanwhile, or a kernel without the children file: the process alone
    }
  }
  return found;
}

/** `pid` and every process below it, as far as /proc tells (just `pid` where it cannot). */
export function processTree(pid) {
  const all = [pid];
  for (let i = 0; i < all.length; i++) all.push(...childrenOf(all[i]));
  return all;
}
