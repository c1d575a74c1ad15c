import type { ChannelView, TestChannelResponse } from '@watchtower/protocol';
import { useState } from 'react';
import { channelAnchor, settingsSummary } from '../lib/channels.js';
import { followLink, serviceHref } from '../lib/router.js';
import { useSession } from '../live.js';

export interface ChannelActions {
  onEdit: (channel: ChannelView) => void;
  onDelete: (channel: ChannelView) => void;
}

/** The named channels, one row each, never with a secret; with `actions`, edit, test and delete per channel. */
export function ChannelsTable({ channels, actions }: { channels: readonly ChannelView[]; actions: ChannelActions | undefined }) {
  return (
    <table className="grid channels" aria-label="Channels">
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Type</th>
          <th scope="col">Source</th>
          <th scope="col">Settings</th>
          <th scope="col">Secrets</th>
          <th scope="col">Used by</th>
          <th scope="col">
            <span className="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {channels.map((channel) => (
          <ChannelRow key={channel.name} channel={channel} actions={actions} />
        ))}
      </tbody>
    </table>
  );
}

function ChannelRow({ channel, actions }: { channel: ChannelView; actions: ChannelActions | undefined }) {
  const fromConfig = channel.source === 'config';
  return (
    <tr id={channelAnchor(channel.name)} data-channel={channel.name}>
      <th scope="row" data-label="Name">
        <span className="channel-name">{channel.name}</span>
      </th>
      <td data-label="Type">
        <span className="channel">{channel.type}</span>
      </td>
      <td data-label="Source" title={fromConfig ? 'Defined in the server’s config file' : 'Defined through the API'}>
        {fromConfig ? 'config file' : 'api'}
      </td>
      <td data-label="Settings" className="settings-summary">
        {settingsSummary(channel) || <span className="muted">none</span>}
        {Object.keys(channel.templates).length > 0 && (
          <span className="muted small templates-used"> · own wording for {Object.keys(channel.templates).join(', ')}</span>
        )}
      </td>
      <td data-label="Secrets">{channel.secrets.length > 0 ? `${channel.secrets.join(', ')} set` : <span className="muted">none</span>}</td>
      <td data-label="Used by">
        {channel.usedBy.length > 0 ? (
          <ul className="tags" aria-label={`Services using ${channel.name}`}>
            {channel.usedBy.map((service) => (
              <li key={service} className="tag">
                <a href={serviceHref(service)} onClick={followLink}>
                  {service}
                </a>
              </li>
            ))}
          </ul>
        ) : (
          <span className="muted">no service</span>
        )}
      </td>
      <td className="actions">{actions && <RowActions channel={channel} actions={actions} />}</td>
    </tr>
  );
}

type TestOutcome = { kind: 'answer'; answer: TestChannelResponse } | { kind: 'error'; message: string } | { kind: 'sending' };

/** Edit, send a test, delete; a channel from the config file can only be tested here. */
function RowActions({ channel, actions }: { channel: ChannelView; actions: ChannelActions }) {
  const { api } = useSession();
  const [test, setTest] = useState<TestOutcome | undefined>();
  const fromConfig = channel.source === 'config';
  async function sendTest() {
    setTest({ kind: 'sending' });
    try {
      setTest({ kind: 'answer', answer: await api.testChannel(channel.name) });
    } catch (failure) {
      setTest({ kind: 'error', message: failure instanceof Error ? failure.message : String(failure) });
    }
  }
  return (
    <div className="row-actions">
      <div className="buttons">
        <button
          type="button"
          className="small-button"
          onClick={() => void sendTest()}
          disabled={test?.kind === 'sending'}
          aria-label={`Send a test to ${channel.name}`}
        >
          {test?.kind === 'sending' ? 'Sending…' : 'Send test'}
        </button>
        <button
          type="button"
          className="small-button"
          onClick={() => actions.onEdit(channel)}
          disabled={fromConfig}
          aria-label={`Edit ${channel.name}`}
        >
          Edit
        </button>
        <button
          type="button"
          className="small-button"
          onClick={() => actions.onDelete(channel)}
          disabled={fromConfig}
          aria-label={`Delete ${channel.name}`}
        >
          Delete…
        </button>
      </div>
      {fromConfig && <p className="muted small">Defined in the server’s config file: change or remove it there.</p>}
      <TestResult outcome={test} />
    </div>
  );
}

function TestResult({ outcome }: { outcome: TestOutcome | undefined }) {
  return (
    <div role="status" className="test-result" data-testid="test-result">
      {outcome?.kind === 'answer' && (
        <p className={outcome.answer.status < 300 ? 'ok' : 'error'}>
          The provider answered {outcome.answer.status}
          {outcome.answer.body ? (
            <>
              : <code className="provider-body">{outcome.answer.body}</code>
            </>
          ) : (
            ' with an empty body.'
          )}
        </p>
      )}
      {outcome?.kind === 'error' && <p className="error">The test failed: {outcome.message}</p>}
    </div>
  );
}
