import type { Command } from '../command.js';
import { cancel } from './cancel.js';
import { deleteCommand } from './delete.js';
import { event } from './event.js';
import { events } from './events.js';
import { list } from './list.js';
import { log } from './log.js';
import { pause } from './pause.js';
import { pulse } from './pulse.js';
import { resume } from './resume.js';
import { run } from './run.js';
import { runs } from './runs.js';
import { servicePut } from './service-put.js';

/** Every command of `watchtower`, in the order of its help. */
export const COMMANDS: readonly Command[] = [pulse, cancel, event, events, list, run, runs, log, servicePut, pause, resume, deleteCommand];

/** The command named `name`, or `name next` for a command of two words (`service put`), if there is one. */
export function findCommand(name: string | undefined, next?: string): Command | undefined {
  return COMMANDS.find((command) => command.name === name) ?? COMMANDS.find((command) => command.name === `${name} ${next}`);
}
