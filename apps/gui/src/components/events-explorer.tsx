import type { Event, EventsPreset } from '@watchtower/protocol';
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { serverNow } from '../lib/api.js';
import { describeSince, formatAgo, formatDateTime, fromDateTimeLocal, toDateTimeLocal } from '../lib/durations.js';
import {
  QUICK_RANGES,
  eventsQuery,
  filtersFromSearch,
  matchesFilters,
  presetFilters,
  resolveRange,
  sameSearch,
  searchFromFilters,
  type EventFilters,
} from '../lib/event-filters.js';
import { LEVELS, LEVEL_NAMES, levelParam, parseLevel } from '../lib/levels.js';
import { followLink, href, navigate } from '../lib/router.js';
import { useChanges, useNow, useReloads, useSession } from '../live.js';
import { LevelBadge } from './badges.js';
import { EventChart } from './event-chart.js';

const PAGE = 100;
/** The chart counts the newest matching events, up to this many (two pages of the API's maximum). */
const CHART_PAGE = 1_000;
const CHART_PAGES = 2;

interface Listing {
  events: Event[];
  next: string | null;
}

interface ChartSource {
  events: Event[];
  /** More events match than were counted. */
  truncated: boolean;
  /** The server's time when loaded: the end of an open range. */
  loadedAt: number;
}

function mergeNewest(current: readonly Event[], arriving: readonly Event[]): Event[] {
  const known = new Set(current.map((event) => event.id));
  const fresh = arriving.filter((event) => !known.has(event.id));
  if (fresh.length === 0) return current as Event[];
  return [...fresh, ...current].sort((a, b) => b.date - a.date || b.id - a.id);
}

export function EventsExplorer({ search }: { search: string }) {
  const { api, settings } = useSession();
  const filters = filtersFromSearch(search);
  const key = searchFromFilters(filters);
  const [listing, setListing] = useState<Listing | undefined>();
  const [chart, setChart] = useState<ChartSource | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [loadingMore, setLoadingMore] = useState(false);
  const [unseen, setUnseen] = useState(0);
  const [services, setServices] = useState<string[]>([]);
  const generation = useRef(0);
  const now = useNow(15_000);

  const load = useCallback(async () => {
    const current = filtersFromSearch(key);
    const mine = ++generation.current;
    const at = serverNow();
    setError(undefined);
    setUnseen(0);
    try {
      const [first, chartEvents] = await Promise.all([
        api.events(eventsQuery(current, at, { limit: PAGE })),
        (async () => {
          const collected: Event[] = [];
          let before: string | null = null;
          for (let page = 0; page < CHART_PAGES; page += 1) {
            const answer = await api.events(eventsQuery(current, at, { limit: CHART_PAGE, before }));
            collected.push(...answer.events);
            before = answer.next;
            if (!before) break;
          }
          return { events: collected, truncated: before !== null, loadedAt: at };
        })(),
      ]);
      if (mine !== generation.current) return;
      setListing({ events: first.events, next: first.next });
      setChart(chartEvents);
    } catch (failure) {
      if (mine === generation.current) setError(failure instanceof Error ? failure.message : String(failure));
    }
  }, [api, key]);

  useEffect(() => {
    setListing(undefined);
    setChart(undefined);
    void load();
  }, [load]);
  useReloads(() => void load());

  useEffect(() => {
    api
      .heartbeats()
      .then((answer) => setServices(answer.heartBeats.map((hb) => hb.service).sort()))
      .catch(() => setServices([])); // Only the service field's suggestions depend on it.
  }, [api]);

  // Events that the server records itself (a recovery's notice) are not all on the stream:
  // after a recovery, a live view asks for the newest page again and keeps what is new.
  useChanges((change) => {
    if (change.type !== 'event' || !matchesFilters(change.event, filters, serverNow())) return;
    if (change.event.service && !services.includes(change.event.service)) {
      setServices((known) => (known.includes(change.event.service) ? known : [...known, change.event.service].sort()));
    }
    if (!filters.live) {
      setUnseen((count) => count + 1);
      return;
    }
    setListing((listed) => (listed ? { ...listed, events: mergeNewest(listed.events, [change.event]) } : listed));
    setChart((counted) => (counted ? { ...counted, events: mergeNewest(counted.events, [change.event]) } : counted));
  });

  async function loadMore() {
    if (!listing?.next) return;
    const mine = generation.current;
    setLoadingMore(true);
    try {
      const answer = await api.events(eventsQuery(filters, chart?.loadedAt ?? serverNow(), { limit: PAGE, before: listing.next }));
      if (mine !== generation.current) return;
      setListing((listed) => (listed ? { events: [...listed.events, ...answer.events], next: answer.next } : listed));
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    } finally {
      setLoadingMore(false);
    }
  }

  const go = (next: EventFilters) => navigate(href('events', searchFromFilters(next)));

  const range = resolveRange(filters, chart?.loadedAt ?? now);
  const chartEnd = filters.live || range.to === undefined ? Math.max(now, chart?.loadedAt ?? now) : range.to;
  const oldest = chart && chart.events.length > 0 ? chart.events[chart.events.length - 1]!.date : undefined;
  const chartStart = chart?.truncated || range.from === undefined ? (oldest ?? chartEnd - 3_600) : range.from;

  return (
    <section aria-labelledby="events-title">
      <div className="page-head">
        <h1 id="events-title">Events</h1>
        <label className="switch">
          <input
            type="checkbox"
            checked={Boolean(filters.live)}
            onChange={(event) => go({ ...filters, live: event.target.checked })}
          />
          <span>Live tail</span>
        </label>
      </div>

      <FilterForm key={key} filters={filters} services={services} onSearch={go} />

      <div className="quick" role="group" aria-label="Time range and saved searches">
        {QUICK_RANGES.map((quick) => (
          <button
            key={quick.since}
            type="button"
            className="chip"
            aria-pressed={filters.since === quick.since}
            onClick={() => go({ ...withoutRange(filters), since: quick.since })}
          >
            {quick.label}
          </button>
        ))}
        <button
          type="button"
          className="chip"
          aria-pressed={!filters.since && filters.from === undefined && filters.to === undefined}
          onClick={() => go(withoutRange(filters))}
        >
          All time
        </button>
        {settings.eventsPresets.length > 0 && <span className="divider" aria-hidden="true" />}
        {settings.eventsPresets.map((preset) => (
          <PresetButton key={preset.name} preset={preset} filters={filters} onApply={go} />
        ))}
      </div>

      {error && (
        <p className="error" role="alert">
          Could not load the events: {error}.{' '}
          <button type="button" className="link" onClick={() => void load()}>
            Try again
          </button>
        </p>
      )}

      <div className="card chart-card">
        {chart ? (
          <EventChart events={chart.events} from={chartStart} to={chartEnd} />
        ) : (
          <div className="chart-placeholder muted">Loading the chart…</div>
        )}
        {chart?.truncated && (
          <p className="muted small">
            The chart counts the newest {chart.events.length.toLocaleString('en')} matching events, from{' '}
            {formatDateTime(chart.events[chart.events.length - 1]!.date)}.
          </p>
        )}
      </div>

      {unseen > 0 && (
        <button type="button" className="new-events" onClick={() => void load()}>
          {unseen} new {unseen === 1 ? 'event matches' : 'events match'}: show
        </button>
      )}

      {!listing && !error && <p className="muted">Loading…</p>}
      {listing && listing.events.length === 0 && (
        <p className="muted" data-testid="no-events">
          No event matches{filters.live ? ' yet; new ones appear here as they arrive' : ''}.
        </p>
      )}
      {listing && listing.events.length > 0 && (
        <>
          <table className="grid events" aria-label="Events">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Level</th>
                <th scope="col">Service</th>
                <th scope="col">Message</th>
              </tr>
            </thead>
            <tbody>
              {listing.events.map((event) => (
                <tr key={event.id} data-level={event.level} data-service={event.service}>
                  <td data-label="Time" className="time" title={formatAgo(now - event.date)}>
                    {formatDateTime(event.date)}
                  </td>
                  <td data-label="Level">
                    <LevelBadge level={event.level} />
                  </td>
                  <td data-label="Service">
                    <a
                      href={href('events', searchFromFilters({ ...filters, service: event.service }))}
                      onClick={followLink}
                      title={`Only events of ${event.service}`}
                    >
                      {event.service}
                    </a>
                  </td>
                  <td data-label="Message" className="message">
                    {event.message}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="more">
            <span className="muted" data-testid="shown-count">
              {listing.events.length.toLocaleString('en')} {listing.events.length === 1 ? 'event' : 'events'} shown
              {listing.next ? '' : ', all that match'}
            </span>
            {listing.next && (
              <button type="button" onClick={() => void loadMore()} disabled={loadingMore}>
                {loadingMore ? 'Loading…' : 'Load more'}
              </button>
            )}
          </div>
        </>
      )}
    </section>
  );
}

function withoutRange(filters: EventFilters): EventFilters {
  const { since: _since, from: _from, to: _to, ...rest } = filters;
  return rest;
}

function PresetButton({
  preset,
  filters,
  onApply,
}: {
  preset: EventsPreset;
  filters: EventFilters;
  onApply: (filters: EventFilters) => void;
}) {
  const target = presetFilters(preset);
  return (
    <button
      type="button"
      className="chip preset"
      aria-pressed={sameSearch(filters, target)}
      onClick={() => onApply({ ...target, live: filters.live })}
      title={describePreset(target)}
    >
      {preset.name}
    </button>
  );
}

function describePreset(filters: EventFilters): string {
  const parts: string[] = [];
  if (filters.service) parts.push(`service ${filters.service}`);
  if (filters.level !== undefined) parts.push(`level ≥ ${levelParam(filters.level)}`);
  if (filters.message) parts.push(`message contains "${filters.message}"`);
  if (filters.since) parts.push(describeSince(filters.since));
  return parts.join(', ') || 'all events';
}

/** The filter fields. A draft until submitted: the URL (and the search) change on "Search". */
function FilterForm({
  filters,
  services,
  onSearch,
}: {
  filters: EventFilters;
  services: readonly string[];
  onSearch: (filters: EventFilters) => void;
}) {
  const range = resolveRange(filters, serverNow());
  const [service, setService] = useState(filters.service ?? '');
  const [level, setLevel] = useState(filters.level === undefined ? '' : levelParam(filters.level));
  const [message, setMessage] = useState(filters.message ?? '');
  const [from, setFrom] = useState(range.from === undefined ? '' : toDateTimeLocal(range.from));
  const [to, setTo] = useState(range.to === undefined ? '' : toDateTimeLocal(range.to));
  const initialFrom = useRef(from);

  function submit(event: FormEvent) {
    event.preventDefault();
    const next: EventFilters = {};
    if (service.trim()) next.service = service.trim();
    const parsed = parseLevel(level);
    if (parsed !== undefined) next.level = parsed;
    if (message) next.message = message;
    // A relative range stays relative unless its start was edited.
    if (filters.since && from === initialFrom.current && !to) next.since = filters.since;
    else {
      const start = fromDateTimeLocal(from);
      const end = fromDateTimeLocal(to);
      if (start !== undefined) next.from = start;
      if (end !== undefined && !filters.live) next.to = end;
    }
    if (filters.live) next.live = true;
    onSearch(next);
  }

  const levelIsNamed = level === '' || LEVEL_NAMES.includes(level as (typeof LEVEL_NAMES)[number]);

  return (
    <form className="filters card" onSubmit={submit} role="search" aria-label="Filter events">
      <label>
        <span>Service</span>
        <input
          name="service"
          list="known-services"
          value={service}
          placeholder="any"
          onChange={(event) => setService(event.target.value)}
          autoComplete="off"
        />
        <datalist id="known-services">
          {services.map((name) => (
            <option key={name} value={name} />
          ))}
        </datalist>
      </label>
      <label>
        <span>Level at least</span>
        <select name="level" value={level} onChange={(event) => setLevel(event.target.value)}>
          <option value="">any</option>
          {LEVEL_NAMES.map((name) => (
            <option key={name} value={name}>
              {name} ({LEVELS[name]})
            </option>
          ))}
          {!levelIsNamed && <option value={level}>{level}</option>}
        </select>
      </label>
      <label>
        <span>Message contains</span>
        <input
          name="message"
          type="search"
          value={message}
          placeholder="any text"
          onChange={(event) => setMessage(event.target.value)}
        />
      </label>
      <label>
        <span>From</span>
        <input name="from" type="datetime-local" value={from} onChange={(event) => setFrom(event.target.value)} />
      </label>
      <label>
        <span>To</span>
        <input
          name="to"
          type="datetime-local"
          value={filters.live ? '' : to}
          disabled={filters.live}
          title={filters.live ? 'A live tail has no end' : undefined}
          onChange={(event) => setTo(event.target.value)}
        />
      </label>
      <div className="form-actions">
        <button type="submit" className="primary">
          Search
        </button>
        <button type="button" className="ghost" onClick={() => onSearch(filters.live ? { live: true } : {})}>
          Clear
        </button>
      </div>
    </form>
  );
}
