import type { ChannelView } from '@watchtower/protocol';
import { useEffect, useState } from 'react';
import { ChannelForm } from '../components/channel-form.js';
import { ChannelsTable } from '../components/channels-table.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { LoadError } from '../components/load-error.js';
import { ReadOnlyNote } from '../components/read-only-note.js';
import { WebhookSecretDialog } from '../components/webhook-secret-dialog.js';
import { useChannels } from '../hooks/use-channels.js';
import { ApiError } from '../lib/api.js';
import { useSession } from '../live.js';

/** What the form is doing: nothing, creating a channel, or editing one. */
type Editing = { mode: 'closed' } | { mode: 'create' } | { mode: 'edit'; channel: ChannelView };

/** Named channels: the list, a form to create or edit one, a test message each, and deleting with a question first. */
export function ChannelsPage() {
  const { canChange } = useSession();
  // Offered as the page opened: a refusal that shows the key is read-only leaves the form, and its message, in place.
  const [offered] = useState(canChange);
  const { data: channels, error, reload, saved, removed } = useChannels();
  const [editing, setEditing] = useState<Editing>({ mode: 'closed' });
  const [secret, setSecret] = useState<{ name: string; secret: string } | undefined>();
  const [deleting, setDeleting] = useState<ChannelView | undefined>();
  usePageTitle();
  useScrollToChannel(channels !== undefined);

  return (
    <section aria-labelledby="channels-title">
      <div className="page-head">
        <h1 id="channels-title">Channels</h1>
        <p className="muted">
          A channel is a named place alerts go to: a Slack or Discord webhook, an ntfy topic, an SMTP server, a signed webhook… Define it
          once here, then name it in the channels of any number of services: each alert goes to every channel a service names.
        </p>
        <ReadOnlyNote action="Creating, editing, testing or deleting a channel" />
      </div>
      {offered && editing.mode === 'closed' && (
        <p>
          <button type="button" className="primary" onClick={() => setEditing({ mode: 'create' })}>
            New channel
          </button>
        </p>
      )}
      {offered && editing.mode !== 'closed' && (
        <ChannelForm
          key={editing.mode === 'edit' ? editing.channel.name : 'new'}
          existing={editing.mode === 'edit' ? editing.channel : undefined}
          onCancel={() => setEditing({ mode: 'closed' })}
          onSaved={(answer) => {
            saved(answer.channel);
            setEditing({ mode: 'closed' });
            if (answer.secret) setSecret({ name: answer.channel.name, secret: answer.secret });
          }}
        />
      )}
      <section className="block" aria-labelledby="channels-list-title">
        <h2 id="channels-list-title">Defined channels</h2>
        <LoadError what="channels" error={error} onRetry={reload} />
        {!channels && !error && <p className="muted">Loading…</p>}
        {channels && channels.length === 0 && <NoChannels />}
        {channels && channels.length > 0 && (
          <ChannelsTable
            channels={channels}
            actions={canChange ? { onEdit: (channel) => setEditing({ mode: 'edit', channel }), onDelete: setDeleting } : undefined}
          />
        )}
      </section>
      {secret && <WebhookSecretDialog name={secret.name} secret={secret.secret} onDone={() => setSecret(undefined)} />}
      {deleting && (
        <DeleteDialog
          channel={deleting}
          onDone={(deleted) => {
            if (deleted) removed(deleted);
            setDeleting(undefined);
          }}
        />
      )}
    </section>
  );
}

function NoChannels() {
  return (
    <div className="card empty" data-testid="no-channels">
      <p>No channel yet.</p>
      <p className="muted">
        Without channels, each service alerts through its own alert type and target (or the server’s default). With a channel, the address
        and its secrets live in one place: change the Slack URL once and every service that names the channel follows, and a test message
        shows whether it works before an outage does. Secrets are kept on the server and never shown again.
      </p>
    </div>
  );
}

function usePageTitle() {
  useEffect(() => {
    document.title = 'Channels · watchtower';
    return () => {
      document.title = 'watchtower';
    };
  }, []);
}

/** A link such as /gui/channels#channel-ops-slack shows that channel's row once the list is there. */
function useScrollToChannel(loaded: boolean) {
  useEffect(() => {
    if (!loaded || !window.location.hash) return;
    let id: string;
    try {
      id = decodeURIComponent(window.location.hash.slice(1));
    } catch {
      return;
    }
    const row = document.getElementById(id);
    row?.scrollIntoView({ block: 'center' });
    row?.classList.add('highlight');
  }, [loaded]);
}

/** Asks before a channel is deleted; a refusal (services still name it) is shown in the server's words. */
function DeleteDialog({ channel, onDone }: { channel: ChannelView; onDone: (deleted: string | undefined) => void }) {
  const { api } = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  async function confirm() {
    setBusy(true);
    try {
      onDone((await api.deleteChannel(channel.name)).channel.name);
    } catch (failure) {
      const refused = failure instanceof ApiError && failure.status === 409;
      setError(
        `${refused ? 'The server refused' : 'Could not delete the channel'}: ${failure instanceof Error ? failure.message : String(failure)}.`,
      );
      setBusy(false);
    }
  }
  return (
    <ConfirmDialog
      title={`Delete ${channel.name}?`}
      confirmLabel="Delete channel"
      busy={busy}
      onConfirm={() => void confirm()}
      onClose={() => onDone(undefined)}
    >
      <p>
        The {channel.type} channel {channel.name} and its secrets are removed from the server.
        {channel.usedBy.length > 0 &&
          ` ${channel.usedBy.length === 1 ? 'A service still names' : `${channel.usedBy.length} services still name`} it: ${channel.usedBy.join(', ')}.`}
      </p>
      {error && (
        <p className="error" role="alert" data-testid="delete-error">
          {error}
        </p>
      )}
    </ConfirmDialog>
  );
}
