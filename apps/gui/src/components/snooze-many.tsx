import type { Heartbeat } from '@watchtower/protocol';
import { useId, useState } from 'react';
import { formatDateTime } from '../lib/durations.js';
import { countServices, servicesOfTag, tagCounts } from '../lib/snooze.js';
import { useSession } from '../live.js';
import { SnoozeDialog } from './snooze-dialog.js';

/** Names for a confirmation: all of a few, the first ones of many. */
function someNames(names: readonly string[], shown = 8): string {
  if (names.length <= shown) return names.join(', ');
  return `${names.slice(0, shown).join(', ')} and ${names.length - shown} more`;
}

/** Snoozes every service of a tag, or every service, after a dialog that says how many it covers. */
export function SnoozeMany({ heartbeats }: { heartbeats: readonly Heartbeat[] }) {
  const { api } = useSession();
  const [asking, setAsking] = useState(false);
  const [tag, setTag] = useState<string | undefined>();
  const [done, setDone] = useState<string | undefined>();
  const covered = servicesOfTag(heartbeats, tag);
  const scope = tag === undefined ? 'every service' : `every service tagged ${tag}`;
  return (
    <>
      <button
        type="button"
        onClick={() => {
          setDone(undefined);
          setAsking(true);
        }}
      >
        Snooze services…
      </button>
      <span className="muted small" role="status" data-testid="snooze-many-done">
        {done}
      </span>
      {asking && (
        <SnoozeDialog
          title="Snooze services?"
          confirmLabel={`Snooze ${countServices(covered.length)}`}
          onClose={() => setAsking(false)}
          onSnooze={async (span) => {
            if (covered.length === 0) throw new Error(`no service is tagged ${tag}`);
            const answer = await api.snoozeMany(tag, span);
            setDone(`Snoozed ${countServices(answer.services.length)} until ${formatDateTime(answer.snoozedUntil)}.`);
            setAsking(false);
          }}
        >
          <TagChoice heartbeats={heartbeats} tag={tag} onTag={setTag} />
          <p data-testid="snooze-many-covers">
            This snoozes {scope}: <strong>{countServices(covered.length)}</strong>
            {covered.length > 0 && ` (${someNames(covered)})`}. No alert goes out for them until the snooze ends.
          </p>
        </SnoozeDialog>
      )}
    </>
  );
}

function TagChoice({
  heartbeats,
  tag,
  onTag,
}: {
  heartbeats: readonly Heartbeat[];
  tag: string | undefined;
  onTag: (tag: string | undefined) => void;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>Services</label>
      <select id={id} value={tag ?? ''} onChange={(event) => onTag(event.target.value === '' ? undefined : event.target.value)}>
        <option value="">every service ({heartbeats.length})</option>
        {tagCounts(heartbeats).map(([name, count]) => (
          <option key={name} value={name}>
            tagged {name} ({count})
          </option>
        ))}
      </select>
    </div>
  );
}
