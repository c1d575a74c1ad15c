import type { Command } from '../command.js';
import { cancel } from './cancel.js';
import { deleteCommand } from './delete.js';
import { event } from './event.js';
import { events } from './events.js';
import { history } from './history.js';
import { keysCreate, keysList, keysRevoke } from './keys.js';
import { list } from './list.js';
import { log } from './log.js';
import { pause } from './pause.js';
import { pulse } from './pulse.js';
import { resume } from './resume.js';
import { run } from './run.js';
import { runs } from './runs.js';
import { servicePut } from './service-put.js';
import { snooze, unsnooze } from './snooze.js';

/** Every command of `watchtower`, in the order of its help. */
export const COMMANDS: readonly Command[] = [
  pulse,
  cancel,
  event,
  events,
  list,
  run,
  runs,
  history,
  log,
  servicePut,
  pause,
  resume,
  snooze,
  unsnooze,
  deleteCommand,
  keysCreate,
  keysList,
  keysRevoke,
];

/** The command that `words` start with (`list`, or `keys create` for a command of a group), and the words after its name. */
export function findCommand(words: readonly string[]): { command: Command; rest: string[] } | undefined {
  for (const command of COMMANDS) {
    const name = command.name.split(' ');
    if (name.every((word, index) => words[index] === word)) return { command, rest: words.slice(name.length) };
  }
  return undefined;
}

/** The commands of a group such as `keys` (named `keys create`, …); none when `word` names no group. */
export function commandsOf(word: string | undefined): Command[] {
  return COMMANDS.filter((command) => command.name.startsWith(`${word} `));
}
