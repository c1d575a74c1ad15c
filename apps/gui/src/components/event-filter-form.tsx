import { useRef, useState, type ChangeEvent, type FormEvent } from 'react';
import { serverNow } from '../lib/api.js';
import { fromDateTimeLocal, toDateTimeLocal } from '../lib/durations.js';
import { resolveRange, type EventFilters } from '../lib/event-filters.js';
import { LEVELS, LEVEL_NAMES, levelParam, parseLevel } from '../lib/levels.js';

/** The fields as typed, before "Search". */
interface Draft {
  service: string;
  level: string;
  message: string;
  from: string;
  to: string;
}

function draftOf(filters: EventFilters): Draft {
  const range = resolveRange(filters, serverNow());
  return {
    service: filters.service ?? '',
    level: filters.level === undefined ? '' : levelParam(filters.level),
    message: filters.message ?? '',
    from: range.from === undefined ? '' : toDateTimeLocal(range.from),
    to: range.to === undefined ? '' : toDateTimeLocal(range.to),
  };
}

function filtersOf(draft: Draft, filters: EventFilters, initialFrom: string): EventFilters {
  const next: EventFilters = {};
  if (draft.service.trim()) next.service = draft.service.trim();
  const parsed = parseLevel(draft.level);
  if (parsed !== undefined) next.level = parsed;
  if (draft.message) next.message = draft.message;
  // A relative range stays relative unless its start was edited.
  if (filters.since && draft.from === initialFrom && !draft.to) next.since = filters.since;
  else {
    const start = fromDateTimeLocal(draft.from);
    const end = fromDateTimeLocal(draft.to);
    if (start !== undefined) next.from = start;
    if (end !== undefined && !filters.live) next.to = end;
  }
  if (filters.live) next.live = true;
  return next;
}

/** The filter fields. A draft until submitted: the URL (and the search) change on "Search". */
export function FilterForm({
  filters,
  services,
  onSearch,
}: {
  filters: EventFilters;
  services: readonly string[];
  onSearch: (filters: EventFilters) => void;
}) {
  const [draft, setDraft] = useState(() => draftOf(filters));
  const initialFrom = useRef(draft.from);
  const edit = (field: keyof Draft) => (event: ChangeEvent<HTMLInputElement | HTMLSelectElement>) =>
    setDraft((current) => ({ ...current, [field]: event.target.value }));

  function submit(event: FormEvent) {
    event.preventDefault();
    onSearch(filtersOf(draft, filters, initialFrom.current));
  }

  return (
    <form className="filters card" onSubmit={submit} role="search" aria-label="Filter events">
      <ServiceField value={draft.service} services={services} onChange={edit('service')} />
      <LevelField value={draft.level} onChange={edit('level')} />
      <label>
        <span>Message contains</span>
        <input name="message" type="search" value={draft.message} placeholder="any text" onChange={edit('message')} />
      </label>
      <label>
        <span>From</span>
        <input name="from" type="datetime-local" value={draft.from} onChange={edit('from')} />
      </label>
      <label>
        <span>To</span>
        <input
          name="to"
          type="datetime-local"
          value={filters.live ? '' : draft.to}
          disabled={filters.live}
          title={filters.live ? 'A live tail has no end' : undefined}
          onChange={edit('to')}
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

function ServiceField({
  value,
  services,
  onChange,
}: {
  value: string;
  services: readonly string[];
  onChange: (event: ChangeEvent<HTMLInputElement>) => void;
}) {
  return (
    <label>
      <span>Service</span>
      <input name="service" list="known-services" value={value} placeholder="any" onChange={onChange} autoComplete="off" />
      <datalist id="known-services">
        {services.map((name) => (
          <option key={name} value={name} />
        ))}
      </datalist>
    </label>
  );
}

function LevelField({ value, onChange }: { value: string; onChange: (event: ChangeEvent<HTMLSelectElement>) => void }) {
  const isNamed = value === '' || LEVEL_NAMES.includes(value as (typeof LEVEL_NAMES)[number]);
  return (
    <label>
      <span>Level at least</span>
      <select name="level" value={value} onChange={onChange}>
        <option value="">any</option>
        {LEVEL_NAMES.map((name) => (
          <option key={name} value={name}>
            {name} ({LEVELS[name]})
          </option>
        ))}
        {!isNamed && <option value={value}>{value}</option>}
      </select>
    </label>
  );
}
