import type { LevelName } from '@watchtower/protocol';

// The protocol's level numbers; kept here so the bundle takes nothing from the protocol
// package but types (its module also builds the zod schemas).
export const LEVELS: Readonly<Record<LevelName, number>> = { debug: 10, info: 20, warning: 30, error: 40, critical: 50 };
export const LEVEL_NAMES = Object.keys(LEVELS) as LevelName[];

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
  const exact = LEVEL_NAMES.find((name) => LEVELS[name] === level);
  if (exact) return exact;
  const band = levelBand(level);
  return band === 'none' ? String(level) : `${band} ${level}`;
}

/** A level as the API takes it: a name (any case) or a whole number ≥ 0. */
export function parseLevel(value: string | number | undefined | null): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? value : undefined;
  const text = value.trim().toLowerCase();
  if (text === '') return undefined;
  if (text in LEVELS) return LEVELS[text as LevelName];
  return /^\d{1,10}$/.test(text) ? Number(text) : undefined;
}

/** A level for a URL: its name when it has one, else its number. */
export function levelParam(level: number): string {
  return LEVEL_NAMES.find((name) => LEVELS[name] === level) ?? String(level);
}
