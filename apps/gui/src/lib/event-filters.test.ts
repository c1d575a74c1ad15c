import type { Event } from '@watchtower/protocol';
import { describe, expect, it } from 'vitest';
import {
  eventsQuery,
  filtersFromSearch,
  matchesFilters,
  presetFilters,
  resolveRange,
  sameSearch,
  searchFromFilters,
} from './event-filters.js';

const NOW = 1_767_268_800; // 2026-01-01T12:00:00Z

describe('filters in the URL', () => {
  it('round-trip every filter, with levels by name and dates as ISO-8601 in UTC', () => {
    const filters = { service: 'nightly backup', level: 40, message: '50% done', from: NOW - 3_600, to: NOW };
    const search = searchFromFilters(filters);
    expect(search).toBe('?service=nightly+backup&level=error&message=50%25+done&from=2026-01-01T11%3A00%3A00Z&to=2026-01-01T12%3A00%3A00Z');
    expect(filtersFromSearch(search)).toEqual(filters);
  });

  it('keeps a level without a name as its number', () => {
    expect(searchFromFilters({ level: 35 })).toBe('?level=35');
    expect(filtersFromSearch('?level=35').level).toBe(35);
    expect(filtersFromSearch('?level=WARNING').level).toBe(30);
  });

  it('keeps a relative range relative, so a shared link means "the last hour" when opened', () => {
    expect(searchFromFilters({ since: '1h', from: 5 })).toBe('?since=1h');
    expect(filtersFromSearch('?since=1h&from=2026-01-01')).toEqual({ since: '1h' });
  });

  it('takes dates as Unix seconds too, and drops values that make no sense', () => {
    expect(filtersFromSearch('?from=1767268800').from).toBe(NOW);
    expect(filtersFromSearch('?from=yesterday&level=loud&since=forever&live=yes')).toEqual({});
  });

  it('gives a live tail no end', () => {
    expect(searchFromFilters({ to: NOW, live: true })).toBe('?live=1');
    expect(resolveRange({ to: NOW, live: true }, NOW)).toEqual({});
  });

  it('is empty for no filter', () => {
    expect(searchFromFilters({})).toBe('');
  });
});

describe('eventsQuery', () => {
  it('turns since into from at the given time and adds the page', () => {
    const query = new URLSearchParams(eventsQuery({ since: '1h', level: 30 }, NOW, { limit: 100, before: 'abc' }));
    expect(Object.fromEntries(query)).toEqual({ level: '30', from: String(NOW - 3_600), limit: '100', before: 'abc' });
  });
});

describe('matchesFilters', () => {
  const event: Event = { id: 1, service: 'web', level: 40, message: 'Upstream TIMED out', date: NOW - 10 };

  it('applies the server rules: exact service, level at least, message in any case, range inclusive', () => {
    expect(matchesFilters(event, { service: 'web', level: 40, message: 'timed', from: NOW - 10, to: NOW }, NOW)).toBe(true);
    expect(matchesFilters(event, { service: 'Web' }, NOW)).toBe(false);
    expect(matchesFilters(event, { level: 41 }, NOW)).toBe(false);
    expect(matchesFilters(event, { message: 'timeout' }, NOW)).toBe(false);
    expect(matchesFilters(event, { since: '5s' }, NOW)).toBe(false);
    expect(matchesFilters(event, { to: NOW - 11 }, NOW)).toBe(false);
  });
});

describe('presets', () => {
  it('become filters, with level names and since durations', () => {
    const filters = presetFilters({ name: 'Backup errors', filters: { service: 'backup', level: 'error', since: '1d' } });
    expect(filters).toEqual({ service: 'backup', level: 40, since: '1d' });
    expect(sameSearch({ ...filters, live: true }, filters)).toBe(true);
    expect(sameSearch({ ...filters, message: 'x' }, filters)).toBe(false);
  });

  it('take numeric levels and ignore a since they cannot read', () => {
    expect(presetFilters({ name: 'n', filters: { level: 35, since: 'soon' } })).toEqual({ level: 35 });
  });
});
