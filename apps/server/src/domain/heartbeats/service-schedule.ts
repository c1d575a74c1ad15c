import type { HeartbeatRow } from '../../db/schema.js';
import { deadlineAfter, type Schedule } from './schedule.js';

/** A service's schedule, as its columns keep it. */
export function scheduleOf(row: Pick<HeartbeatRow, 'scheduleKind' | 'nextIn' | 'cron' | 'tz'>): Schedule {
  if (row.scheduleKind === 'cron' && row.cron) return { kind: 'cron', cron: row.cron, tz: row.tz ?? 'UTC' };
  if (row.scheduleKind === 'period') return { kind: 'period', period: row.nextIn };
  return { kind: 'nextIn', nextIn: row.nextIn };
}

/** The columns that keep a schedule. */
export function scheduleColumns(schedule: Schedule): Pick<HeartbeatRow, 'scheduleKind' | 'cron' | 'tz'> & { nextIn: number | null } {
  if (schedule.kind === 'cron') return { scheduleKind: 'cron', nextIn: null, cron: schedule.cron, tz: schedule.tz };
  return { scheduleKind: schedule.kind, nextIn: schedule.kind === 'period' ? schedule.period : schedule.nextIn, cron: null, tz: null };
}

/**
 * The deadline after a signal at `from`: the next expected run plus the grace. `nextIn` is
 * the seconds to that run (a cron schedule's current cycle; the fixed seconds otherwise).
 */
export function deadlineFrom(schedule: Schedule, grace: number, from: Date): { expectedAt: Date; nextIn: number } {
  const expectedAt = deadlineAfter(schedule, grace, from);
  return { expectedAt, nextIn: (expectedAt.getTime() - from.getTime()) / 1000 - grace };
}
