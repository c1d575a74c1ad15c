import type { HeartbeatStatus } from '@watchtower/protocol';

/** shields.io's colour names, which badge-maker and shields.io's endpoint badge both take. */
export type BadgeColor = 'brightgreen' | 'yellow' | 'red' | 'blue' | 'lightgrey';

/** What a badge shows: the name on the left, the status on the right, in its colour. */
export interface Badge {
  label: string;
  message: string;
  color: BadgeColor;
}

/** Each status as a badge words and colours it. */
export const STATUS_LOOKS = {
  alive: { word: 'up', color: 'brightgreen' },
  started: { word: 'running', color: 'blue' },
  late: { word: 'late', color: 'yellow' },
  dead: { word: 'down', color: 'red' },
  new: { word: 'new', color: 'lightgrey' },
  paused: { word: 'paused', color: 'lightgrey' },
  cancelled: { word: 'cancelled', color: 'lightgrey' },
} as const satisfies Record<HeartbeatStatus, { word: string; color: BadgeColor }>;

/** Which status colours a tag's badge: the worst one present. A run under way is as good as up. */
const WORST_FIRST: readonly HeartbeatStatus[] = ['dead', 'late', 'alive', 'started', 'new', 'paused', 'cancelled'];

/** The order of a tag's counts: the monitored from good to bad, then the unmonitored. */
const COUNT_ORDER = Object.keys(STATUS_LOOKS) as HeartbeatStatus[];

/** A badge when nothing answers to the key and the name. */
export const NOT_FOUND_BADGE: Badge = { label: 'watchtower', message: 'not found', color: 'lightgrey' };

export function serviceBadge(service: string, status: HeartbeatStatus): Badge {
  const { word, color } = STATUS_LOOKS[status];
  return { label: service, message: word, color };
}

/** A tag's badge: how many services are in each status (`3 up, 1 down`), coloured by the worst. */
export function tagBadge(tag: string, statuses: readonly HeartbeatStatus[]): Badge {
  const counts = new Map<HeartbeatStatus, number>();
  for (const status of statuses) counts.set(status, (counts.get(status) ?? 0) + 1);
  const message = COUNT_ORDER.filter((status) => counts.has(status))
    .map((status) => `${counts.get(status)} ${STATUS_LOOKS[status].word}`)
    .join(', ');
  const worst = WORST_FIRST.find((status) => counts.has(status));
  return worst ? { label: tag, message, color: STATUS_LOOKS[worst].color } : { ...NOT_FOUND_BADGE, label: tag };
}
