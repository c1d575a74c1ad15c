import type { Heartbeat } from '@watchtower/protocol';
import { useMemo, useState } from 'react';
import { LoadError } from '../components/load-error.js';
import { ReadOnlyNote } from '../components/read-only-note.js';
import { ServiceForm } from '../components/service-form.js';
import { useChannels } from '../hooks/use-channels.js';
import { useService } from '../hooks/use-service.js';
import { ApiError } from '../lib/api.js';
import { followLink, href, navigate, serviceHref } from '../lib/router.js';
import { changeBody, draftFromHeartbeat, emptyDraft, localZone, readDraft, settingsBody } from '../lib/service-form.js';
import { useSession } from '../live.js';

/** Creates a service before its first signal: it is "new", and not alerted until that signal. */
export function NewServicePage() {
  const { api, settings } = useSession();
  const initial = useMemo(() => emptyDraft(localZone()), []);
  const namedChannels = useChannelNames();
  return (
    <section aria-labelledby="new-service-title">
      <p className="back">
        <a href={href('board')} onClick={followLink}>
          ← Heartbeats
        </a>
      </p>
      <div className="page-head">
        <h1 id="new-service-title">New service</h1>
        <p className="muted">It shows as new until its first signal, and no alert is sent before it.</p>
        <ReadOnlyNote action="Creating a service" />
      </div>
      <ServiceForm
        mode="create"
        initial={initial}
        channels={settings.channels}
        namedChannels={namedChannels}
        cancelHref={href('board')}
        onSubmit={async (draft, values) => {
          // PUT replaces a service of the same name: ask first, so that none is replaced by mistake.
          const known = await api.heartbeat(draft.name).then(
            () => true,
            (error: unknown) => (error instanceof ApiError && error.status === 404 ? false : Promise.reject(error)),
          );
          if (known) return { notice: `A service named ${draft.name} exists already: open it from the board to edit it.` };
          const { heartBeat } = await api.putService(draft.name, settingsBody(values));
          navigate(serviceHref(heartBeat.service));
          return undefined;
        }}
      />
    </section>
  );
}

/** Changes a service's settings: only the fields changed are sent. */
export function EditServicePage({ service }: { service: string }) {
  const { data: hb, error, reload } = useService(service);
  return (
    <section aria-labelledby="edit-service-title">
      <p className="back">
        <a href={serviceHref(service)} onClick={followLink}>
          ← {service}
        </a>
      </p>
      <div className="page-head">
        <h1 id="edit-service-title">Edit {service}</h1>
        <ReadOnlyNote action="Saving a service" />
      </div>
      <LoadError what="service" error={error} onRetry={reload} />
      {hb === undefined && !error && <p className="muted">Loading…</p>}
      {hb === null && <p className="card empty">There is no service named {service}.</p>}
      {hb && <EditForm key={service} heartbeat={hb} />}
    </section>
  );
}

function EditForm({ heartbeat }: { heartbeat: Heartbeat }) {
  const { api, settings } = useSession();
  // The form starts from the service as first loaded; live changes do not overwrite what is typed.
  const [initial] = useState(() => draftFromHeartbeat(heartbeat, localZone()));
  const namedChannels = useChannelNames();
  return (
    <ServiceForm
      mode="edit"
      initial={initial}
      channels={settings.channels}
      namedChannels={namedChannels}
      cancelHref={serviceHref(heartbeat.service)}
      onSubmit={async (_draft, values) => {
        const before = readDraft(initial);
        // A configuration the form cannot read back (none yet) is sent whole.
        const change = 'values' in before ? changeBody(before.values, values) : settingsBody(values);
        if (!change) return { notice: 'Nothing to save: no field was changed.' };
        await api.patchService(heartbeat.service, change);
        navigate(serviceHref(heartbeat.service));
        return undefined;
      }}
    />
  );
}

/** The names of the channels defined on the server; none when they cannot be read (the form still shows the service's own). */
function useChannelNames(): string[] | undefined {
  const { data, error } = useChannels();
  return useMemo(() => (data ? data.map(({ name }) => name) : error ? [] : undefined), [data, error]);
}
