import type { Event, EventsPreset } from '@watchtower/protocol';
import { formatIsoTime } from '@watchtower/protocol/vocabulary';
import { parseSince } from './durations.js';
import { levelParam, parseLevel } from './levels.js';

/** The events explorer's search, as kept in the URL. Times are Unix seconds. */
export interface EventFilters {
  service?: string;
  /** At least this level. */
  level?: number;
  /** Contained in the message, any case. */
  message?: string;
  from?: number;
  to?: number;
  /** A range relative to now ("1h", "1d"): wins over from/to, so a shared link stays "the last hour". */
  since?: string;
  /** Live tail: new events appear as they arrive. */
  live?: boolean;
}

export const QUICK_RANGES = [
  { since: '1h', label: 'Last hour' },
  { since: '1d', label: 'Last day' },
  { since: '1w', label: 'Last week' },
] as const;

/** Unix seconds or ISO-8601, as the API takes them. */
function parseTime(text: string | null): number | undefined {
  if (!text) return undefined;
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  if (!/^\d{4}-\d{2}-\d{2}/.test(trimmed)) return undefined;
  const millis = Date.parse(trimmed);
  return Number.isFinite(millis) ? millis / 1000 : undefined;
}

/** Reads the filters from a query string; values that make no sense are dropped, not fatal. */
export function filtersFromSearch(search: string): EventFilters {
  const params = new URLSearchParams(search);
  const filters: EventFilters = {};
  const service = params.get('service');
  if (service) filters.service = service;
  const level = parseLevel(params.get('level'));
  if (level !== undefined) filters.level = level;
  const message = params.get('message');
  if (message) filters.message = message;
  const since = params.get('since');
  if (since && parseSince(since) !== undefined) {
    filters.since = since;
  } else {
    const from = parseTime(params.get('from'));
    const to = parseTime(params.get('to'));
    if (from !== undefined) filters.from = from;
    if (to !== undefined) filters.to = to;
  }
  if (params.get('live') === '1') filters.live = true;
  return filters;
}

/** The query string of the filters ("" when there are none), in a fixed order. */
export function searchFromFilters(filters: EventFilters): string {
  const params = new URLSearchParams();
  if (filters.service) params.set('service', filters.service);
  if (filters.level !== undefined) params.set('level', levelParam(filters.level));
  if (filters.message) params.set('message', filters.message);
  if (filters.since) {
    params.set('since', filters.since);
  } else {
    if (filters.from !== undefined) params.set('from', formatIsoTime(filters.from));
    if (filters.to !== undefined && !filters.live) params.set('to', formatIsoTime(filters.to));
  }
  if (filters.live) params.set('live', '1');
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** The time range the filters mean at `now`: `since` becomes a `from`; live tail has no end. */
export function resolveRange(filters: EventFilters, now: number): { from?: number; to?: number } {
  const range: { from?: number; to?: number } = {};
  const since = filters.since ? parseSince(filters.since) : undefined;
  if (since !== undefined) range.from = Math.floor(now - since);
  else if (filters.from !== undefined) range.from = filters.from;
  if (since === undefined && filters.to !== undefined && !filters.live) range.to = filters.to;
  return range;
}

/** The `GET /events` query for the filters at `now`. */
export function eventsQuery(filters: EventFilters, now: number, page: { limit: number; before?: string | null }): string {
  const params = new URLSearchParams();
  if (filters.service) params.set('service', filters.service);
  if (filters.level !== undefined) params.set('level', String(filters.level));
  if (filters.message) params.set('message', filters.message);
  const range = resolveRange(filters, now);
  if (range.from !== undefined) params.set('from', String(range.from));
  if (range.to !== undefined) params.set('to', String(range.to));
  params.set('limit', String(page.limit));
  if (page.before) params.set('before', page.before);
  return params.toString();
}

/** The search's filters without paging, for its export and its histogram, with `extra` parameters. */
export function filterQuery(filters: EventFilters, range: { from?: number; to?: number }, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  if (filters.service) params.set('service', filters.service);
  if (filters.level !== undefined) params.set('level', String(filters.level));
  if (filters.message) params.set('message', filters.message);
  if (range.from !== undefined) params.set('from', String(range.from));
  if (range.to !== undefined) params.set('to', String(range.to));
  for (const [name, value] of Object.entries(extra)) params.set(name, value);
  return params.toString();
}

/** Whether an event that just arrived belongs to the search, with the server's rules. */
export function matchesFilters(event: Event, filters: EventFilters, now: number): boolean {
  if (filters.service && event.service !== filters.service) return false;
  if (filters.level !== undefined && event.level < filters.level) return false;
  if (filters.message && !event.message.toLowerCase().includes(filters.message.toLowerCase())) return false;
  const range = resolveRange(filters, now);
  if (range.from !== undefined && event.date < range.from) return false;
  if (range.to !== undefined && event.date > range.to) return false;
  return true;
}

/** A preset from the server's configuration as explorer filters. */
export function presetFilters(preset: EventsPreset): EventFilters {
  const filters: EventFilters = {};
  const { service, level, message, since } = preset.filters;
  if (service) filters.service = service;
  const parsed = parseLevel(level);
  if (parsed !== undefined) filters.level = parsed;
  if (message) filters.message = message;
  if (since && parseSince(since) !== undefined) filters.since = since;
  return filters;
}

/** Whether the filters are exactly those of a preset (its button then shows as chosen). */
export function sameSearch(a: EventFilters, b: EventFilters): boolean {
  return searchFromFilters({ ...a, live: false }) === searchFromFilters({ ...b, live: false });
}
