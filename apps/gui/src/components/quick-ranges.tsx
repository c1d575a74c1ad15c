import type { EventsPreset } from '@watchtower/protocol';
import { describeSince } from '../lib/durations.js';
import { QUICK_RANGES, presetFilters, sameSearch, type EventFilters } from '../lib/event-filters.js';
import { levelParam } from '../lib/levels.js';

function withoutRange(filters: EventFilters): EventFilters {
  const { since: _since, from: _from, to: _to, ...rest } = filters;
  return rest;
}

/** One-click time ranges and the server's saved searches. */
export function QuickRanges({
  filters,
  presets,
  onApply,
}: {
  filters: EventFilters;
  presets: readonly EventsPreset[];
  onApply: (filters: EventFilters) => void;
}) {
  return (
    <div className="quick" role="group" aria-label="Time range and saved searches">
      {QUICK_RANGES.map((quick) => (
        <button
          key={quick.since}
          type="button"
          className="chip"
          aria-pressed={filters.since === quick.since}
          onClick={() => onApply({ ...withoutRange(filters), since: quick.since })}
        >
          {quick.label}
        </button>
      ))}
      <button
        type="button"
        className="chip"
        aria-pressed={!filters.since && filters.from === undefined && filters.to === undefined}
        onClick={() => onApply(withoutRange(filters))}
      >
        All time
      </button>
      {presets.length > 0 && <span className="divider" aria-hidden="true" />}
      {presets.map((preset) => (
        <PresetButton key={preset.name} preset={preset} filters={filters} onApply={onApply} />
      ))}
    </div>
  );
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
