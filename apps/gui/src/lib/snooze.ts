import type { Heartbeat } from '@watchtower/protocol';
import { formatCountdown, formatDateTime, fromDateTimeLocal } from './durations.js';

/** How long a snooze lasts, as the dashboard offers it. */
export type SnoozeChoice = '1h' | '4h' | '1d' | 'until';

export const SNOOZE_CHOICES: ReadonlyArray<{ choice: SnoozeChoice; label: string; seconds?: number }> = [
  { choice: '1h', label: '1 hour', seconds: 3_600 },
  { choice: '4h', label: '4 hours', seconds: 14_400 },
  { choice: '1d', label: '1 day', seconds: 86_400 },
  { choice: 'until', label: 'until a date and time' },
];

/** The span sent to a snooze route: seconds from now, or an end date (Unix seconds). */
export type SnoozeSpan = { for: number } | { until: number };

/**
 * What a choice sends (`untilText`: the value of a datetime-local input, local time), or
 * why it cannot be sent. `now`: Unix seconds, server time.
 */
export function readSnooze(choice: SnoozeChoice, untilText: string, now: number): { span: SnoozeSpan } | { problem: string } {
  const fixed = SNOOZE_CHOICES.find((option) => option.choice === choice)?.seconds;
  if (fixed !== undefined) return { span: { for: fixed } };
  if (untilText.trim() === '') return { problem: 'Choose the date and time the snooze ends.' };
  const until = fromDateTimeLocal(untilText.trim());
  if (until === undefined) return { problem: `The end of the snooze must be a date and time; received ${JSON.stringify(untilText)}.` };
  if (until <= now) return { problem: `The end of the snooze must be in the future; ${formatDateTime(until)} has passed.` };
  return { span: { until } };
}

/** A span in words, for a confirmation: "for 4 hours", "until 2026-12-24 08:00:00". */
export function spanWords(span: SnoozeSpan): string {
  if ('until' in span) return `until ${formatDateTime(span.until)}`;
  const named = SNOOZE_CHOICES.find((option) => option.seconds === span.for);
  return `for ${named?.label ?? `${span.for} s`}`;
}

/** Until when a service is snoozed at `now`, or null: a snooze that has run out is none. */
export function activeSnooze(hb: Pick<Heartbeat, 'snoozedUntil'>, now: number): number | null {
  const until = hb.snoozedUntil;
  return until !== null && until !== undefined && until > now ? until : null;
}

/** "snoozed until 2026-12-02 10:00:00 (in 59 min 58 s)". */
export function snoozeWords(until: number, now: number): string {
  return `snoozed until ${formatDateTime(until)} (${formatCountdown(until - now)})`;
}

/** The services a snooze of `tag` covers (every service without one), by name, as the server picks them. */
export function servicesOfTag(heartbeats: Iterable<Pick<Heartbeat, 'service' | 'tags'>>, tag: string | undefined): string[] {
  return [...heartbeats]
    .filter((hb) => tag === undefined || (hb.tags ?? []).includes(tag))
    .map((hb) => hb.service)
    .sort();
}

/** The tags in use, in order, each with how many services carry it. */
export function tagCounts(heartbeats: Iterable<Pick<Heartbeat, 'tags'>>): Array<[tag: string, count: number]> {
  const counts = new Map<string, number>();
  for (const hb of heartbeats) for (const tag of new Set(hb.tags ?? [])) counts.set(tag, (counts.get(tag) ?? 0) + 1);
  return [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** "1 service", "3 services". */
export function countServices(count: number): string {
  return `${count} service${count === 1 ? '' : 's'}`;
}
