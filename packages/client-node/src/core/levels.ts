import type { LEVELS as ProtocolLevels } from '@watchtower/protocol';

/** Event level names and their numbers (a copy of the protocol's, so no schema code is bundled). */
export const LEVELS = {
  debug: 10,
  info: 20,
  warning: 30,
  error: 40,
  critical: 50,
} as const satisfies typeof ProtocolLevels;

/** The name of a level number (`40` → `error`), or the number as text when it has none. */
export function levelName(level: number): string {
  for (const [name, value] of Object.entries(LEVELS)) if (value === level) return name;
  return String(level);
}
