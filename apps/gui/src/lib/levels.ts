import { findLevelName, LEVEL_NAMES, LEVELS, levelName, type LevelName } from '@watchtower/protocol/vocabulary';

export { LEVEL_NAMES, LEVELS, parseLevel } from '@watchtower/protocol/vocabulary';

/** A level's colour band: the highest named level at or below it; below debug, "none". */
export type LevelBand = LevelName | 'none';
export const LEVEL_BANDS: readonly LevelBand[] = ['none', ...LEVEL_NAMES];

export function levelBand(level: number): LevelBand {
  let band: LevelBand = 'none';
  for (const name of LEVEL_NAMES) if (level >= LEVELS[name]) band = name;
  return band;
}

/** What a badge says: the name of a named level, else the number (with its band). */
export function levelLabel(level: number): string {
  const exact = findLevelName(level);
  if (exact) return exact;
  const band = levelBand(level);
  return band === 'none' ? String(level) : `${band} ${level}`;
}

/** A level for a URL: its name when it has one, else its number. */
export const levelParam = levelName;
