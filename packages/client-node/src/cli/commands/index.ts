import type { Command } from '../command.js';
import { cancel } from './cancel.js';
import { event } from './event.js';
import { events } from './events.js';
import { list } from './list.js';
import { pulse } from './pulse.js';
import { run } from './run.js';

/** Every command of `watchtower`, in the order of its help. */
export const COMMANDS: readonly Command[] = [pulse, cancel, event, events, list, run];

/** The command named `name`, if there is one. */
export function findCommand(name: string | undefined): Command | undefined {
  return COMMANDS.find((command) => command.name === name);
}
