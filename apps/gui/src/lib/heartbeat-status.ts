import type { Heartbeat } from '@watchtower/protocol';
import type { HeartbeatStatus } from '@watchtower/protocol/vocabulary';

/** What the board shows: the server's states, judged again at each tick by the server's rules. */
export type BoardStatus = HeartbeatStatus;

/** Dead first: what needs a person comes first. */
export const BOARD_STATUSES: readonly BoardStatus[] = ['dead', 'late', 'started', 'alive', 'new', 'paused', 'cancelled'];

/** The states every server has; the others are counted only when some service is in them. */
export const CLASSIC_STATUSES: readonly BoardStatus[] = ['dead', 'late', 'alive', 'cancelled'];

export const STATUS_WORDS: Readonly<Record<BoardStatus, string>> = {
  dead: 'dead',
  late: 'late soon',
  started: 'running',
  alive: 'alive',
  new: 'new',
  paused: 'paused',
  cancelled: 'cancelled',
};

/**
 * Whether a watched service is late at `now`: from its warnBefore ahead of the deadline
 * until the deadline, as the server decides. Without warnBefore, only the server's word counts.
 */
function isLate(heartbeat: Heartbeat, now: number): boolean {
  const warnBefore = heartbeat.warnBefore;
  if (warnBefore === null || warnBefore === undefined) return heartbeat.status === 'late';
  return now >= heartbeat.expected - warnBefore;
}

/**
 * The status at `now` (Unix seconds, server time), by the server's rules in the server's
 * order: a service past its deadline is dead here at once, before the sweeper claims it.
 */
export function boardStatus(heartbeat: Heartbeat, now: number): BoardStatus {
  if (heartbeat.cancelled || heartbeat.status === 'cancelled') return 'cancelled';
  // Neither is watched until it is resumed or sends its first signal.
  if (heartbeat.status === 'paused' || heartbeat.status === 'new') return heartbeat.status;
  if (heartbeat.status === 'dead' || now > heartbeat.expected) return 'dead';
  if (isLate(heartbeat, now)) return 'late';
  return heartbeat.status === 'started' ? 'started' : 'alive';
}

export type BoardSort = 'status' | 'name' | 'deadline' | 'last';
export const BOARD_SORTS: Readonly<Record<BoardSort, string>> = {
  status: 'status (dead first)',
  name: 'name',
  deadline: 'deadline (soonest first)',
  last: 'last pulse (oldest first)',
};

const byName = (a: Heartbeat, b: Heartbeat) => (a.service < b.service ? -1 : a.service > b.service ? 1 : 0);

/** Sorts for the board; ties fall back to the name so rows never jump between ticks. */
export function sortHeartbeats(heartbeats: readonly Heartbeat[], sort: BoardSort, now: number): Heartbeat[] {
  const rank = (hb: Heartbeat) => BOARD_STATUSES.indexOf(boardStatus(hb, now));
  const compare: Record<BoardSort, (a: Heartbeat, b: Heartbeat) => number> = {
    status: (a, b) => rank(a) - rank(b) || byName(a, b),
    name: byName,
    deadline: (a, b) => a.expected - b.expected || byName(a, b),
    last: (a, b) => a.last - b.last || byName(a, b),
  };
  return [...heartbeats].sort(compare[sort]);
}

export interface BoardFilter {
  /** Part of the name, any case. */
  text: string;
  /** Shown statuses; empty means all. */
  statuses: readonly BoardStatus[];
}

export function filterHeartbeats(heartbeats: readonly Heartbeat[], filter: BoardFilter, now: number): Heartbeat[] {
  const text = filter.text.trim().toLowerCase();
  return heartbeats.filter(
    (hb) =>
      (text === '' || hb.service.toLowerCase().includes(text)) &&
      (filter.statuses.length === 0 || filter.statuses.includes(boardStatus(hb, now))),
  );
}

export function countByStatus(heartbeats: readonly Heartbeat[], now: number): Record<BoardStatus, number> {
  const counts = Object.fromEntries(BOARD_STATUSES.map((status) => [status, 0])) as Record<BoardStatus, number>;
  for (const hb of heartbeats) counts[boardStatus(hb, now)] += 1;
  return counts;
}

/** Board settings kept in the URL (`?q=…&status=dead,late&sort=name`), so a view can be shared. */
export function boardViewFromSearch(search: string): BoardFilter & { sort: BoardSort } {
  const params = new URLSearchParams(search);
  const statuses = (params.get('status') ?? '')
    .split(',')
    .filter((word): word is BoardStatus => (BOARD_STATUSES as readonly string[]).includes(word));
  const sort = params.get('sort') ?? '';
  return {
    text: params.get('q') ?? '',
    statuses,
    sort: sort in BOARD_SORTS ? (sort as BoardSort) : 'status',
  };
}

export function searchFromBoardView(view: BoardFilter & { sort: BoardSort }): string {
  const params = new URLSearchParams();
  if (view.text) params.set('q', view.text);
  if (view.statuses.length > 0) params.set('status', BOARD_STATUSES.filter((s) => view.statuses.includes(s)).join(','));
  if (view.sort !== 'status') params.set('sort', view.sort);
  const text = params.toString();
  return text ? `?${text}` : '';
}
