import type { Key } from '@watchtower/protocol';
import { lastUsedWords } from '../lib/api-keys.js';
import { formatAgo, formatDateTime } from '../lib/durations.js';

/** The API keys, one row each, never with a secret; a revoke button per key when `onRevoke` is given. */
export function KeysTable({ keys, now, onRevoke }: { keys: readonly Key[]; now: number; onRevoke: ((key: Key) => void) | undefined }) {
  return (
    <table className="grid keys" aria-label="API keys">
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Scope</th>
          <th scope="col">Created</th>
          <th scope="col">Last used</th>
          <th scope="col">
            <span className="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {keys.map((key) => (
          <tr key={key.id} data-key={key.id}>
            <th scope="row" data-label="Name">
              <span className="key-name">{key.name}</span> <code className="key-id muted small">{key.id}</code>
            </th>
            <td data-label="Scope">
              <span className={`badge scope-${key.scope}`}>{key.scope}</span>
            </td>
            <td data-label="Created" className="time" title={formatAgo(now - key.created)}>
              {formatDateTime(key.created)}
            </td>
            <td data-label="Last used" className="time" title={key.lastUsed === null ? undefined : formatDateTime(key.lastUsed)}>
              {lastUsedWords(key.lastUsed, now)}
            </td>
            <td className="actions">
              {onRevoke && (
                <button type="button" className="small-button" onClick={() => onRevoke(key)} aria-label={`Revoke ${key.name}`}>
                  Revoke…
                </button>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
