import { useRef, useState } from 'react';
import { serverNow } from '../lib/api.js';
import { filterQuery, resolveRange, type EventFilters } from '../lib/event-filters.js';
import { useSession } from '../live.js';

const FORMATS = [
  { format: 'csv', label: 'CSV', note: 'for a spreadsheet' },
  { format: 'ndjson', label: 'NDJSON', note: 'one event as JSON a line' },
] as const;

/** Saves every event of the search (not only those listed) as a file, oldest first. */
export function DownloadMenu({ filters }: { filters: EventFilters }) {
  const { api } = useSession();
  const menu = useRef<HTMLDetailsElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();

  const download = async (format: string) => {
    if (menu.current) menu.current.open = false;
    setBusy(true);
    setError(undefined);
    try {
      await api.downloadEvents(filterQuery(filters, resolveRange(filters, serverNow()), { format }));
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="download-menu">
      <details ref={menu}>
        <summary>{busy ? 'Downloading…' : 'Download'}</summary>
        <ul aria-label="Download the events of this search">
          {FORMATS.map(({ format, label, note }) => (
            <li key={format}>
              <button type="button" disabled={busy} onClick={() => void download(format)}>
                {label} <span className="muted small">{note}</span>
              </button>
            </li>
          ))}
        </ul>
      </details>
      {error && (
        <p role="alert" className="error small">
          The download failed: {error}
        </p>
      )}
    </div>
  );
}
