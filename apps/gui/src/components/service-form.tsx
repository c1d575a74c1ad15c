import { useId, useMemo, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { ApiError, describeFailure } from '../lib/api.js';
import { followLink } from '../lib/router.js';
import {
  checkDraft,
  fieldOfHint,
  TARGET_WORDS,
  type DraftErrors,
  type DraftField,
  type ScheduleChoice,
  type ServiceDraft,
  type ServiceValues,
} from '../lib/service-form.js';

/** What a submission came to: the page goes elsewhere, or the form says why not. */
export type SubmitOutcome = { notice: string } | undefined;

const SCHEDULES: ReadonlyArray<readonly [ScheduleChoice, string, string]> = [
  ['period', 'Fixed period', 'it runs every so often'],
  ['cron', 'Cron schedule', 'it runs at set times'],
  ['nextIn', 'nextIn', 'each pulse says when the next is due'],
];

/** The time zones this browser knows, for the zone field's suggestions. */
function knownZones(): string[] {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    // An older browser: the field takes any name and the server checks it.
    return [];
  }
}

/**
 * Creates (`mode` create: with a name) or edits a service. Checks each field before
 * sending; what the server refuses is shown beside the form, in its own words.
 */
export function ServiceForm({
  mode,
  initial,
  channels,
  onSubmit,
  cancelHref,
}: {
  mode: 'create' | 'edit';
  initial: ServiceDraft;
  channels: readonly string[];
  onSubmit: (draft: ServiceDraft, values: ServiceValues) => Promise<SubmitOutcome>;
  cancelHref: string;
}) {
  const [draft, setDraft] = useState(initial);
  const [errors, setErrors] = useState<DraftErrors>({});
  const [message, setMessage] = useState<Message | undefined>();
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  const id = useId();

  const edit = (field: DraftField) => (value: string) => {
    setDraft((current) => ({ ...current, [field]: value }));
    setErrors(({ [field]: _fixed, ...rest }) => rest);
  };

  async function submit(event: FormEvent) {
    event.preventDefault();
    const checked = checkDraft(draft, mode);
    if ('errors' in checked) {
      setErrors(checked.errors);
      setMessage({ kind: 'error', text: checked.summary });
      form.current?.querySelector<HTMLElement>(`[name="${checked.fields[0]}"]`)?.focus();
      return;
    }
    setErrors({});
    setBusy(true);
    setMessage(undefined);
    try {
      const outcome = await onSubmit({ ...draft, name: checked.name }, checked.values);
      if (outcome) setMessage({ kind: 'notice', text: outcome.notice });
    } catch (failure) {
      setMessage({ kind: 'error', text: describeFailure(failure, 'save') });
      // A refusal about one field is shown beside it too, and the focus goes there.
      const refused = refusedField(failure);
      if (refused) {
        setErrors({ [refused.field]: refused.hint });
        form.current?.querySelector<HTMLElement>(`[name="${refused.field}"]`)?.focus();
      }
    } finally {
      setBusy(false);
    }
  }

  const field = (name: DraftField): FieldProps => ({ id: `${id}-${name}`, error: errors[name], value: draft[name], onChange: edit(name) });
  return (
    <form ref={form} className="service-form card" onSubmit={submit} noValidate aria-describedby={`${id}-message`}>
      <FormMessage id={`${id}-message`} message={message} />
      {mode === 'create' && (
        <TextField {...field('name')} name="name" label="Name" hint="As the service names itself in its pulses." autoFocus />
      )}
      <ScheduleFields draft={draft} field={field} onKind={edit('kind')} />
      <TextField {...field('grace')} name="grace" label="Grace" hint="How late a signal may come before the service is dead: 0, 5m, 1h." />
      <TextField
        {...field('maxRuntime')}
        name="maxRuntime"
        label="Max runtime"
        hint="How long a run may take after its start signal; empty: no limit."
      />
      <LifecycleFields field={field} />
      <TextField {...field('description')} name="description" label="Description" hint="What it is, for whoever is alerted." multiline />
      <TextField {...field('tags')} name="tags" label="Tags" hint="Comma-separated: db, nightly, prod." />
      <AlertFields draft={draft} field={field} channels={channels} mode={mode} />
      <div className="form-actions">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Saving…' : mode === 'create' ? 'Create service' : 'Save changes'}
        </button>
        <a className="button ghost" href={cancelHref} onClick={followLink}>
          Cancel
        </a>
      </div>
    </form>
  );
}

/** The field a 400 is about, with the server's words, when its hint names one. */
function refusedField(failure: unknown): { field: DraftField; hint: string } | undefined {
  if (!(failure instanceof ApiError) || failure.status !== 400) return undefined;
  const field = fieldOfHint(failure.hint);
  return field && { field, hint: failure.hint };
}

type Message = { text: string; kind: 'error' | 'notice' };

/** Where the form speaks: a live region, in the page from the start so that each message is announced. */
function FormMessage({ id, message }: { id: string; message: Message | undefined }) {
  return (
    <div id={id} className="form-message" aria-live="assertive" aria-atomic="true">
      {message && (
        <p className={message.kind === 'error' ? 'error' : 'notice'} data-testid="form-message">
          {message.text}
        </p>
      )}
    </div>
  );
}

interface FieldProps {
  id: string;
  error: string | undefined;
  value: string;
  onChange: (value: string) => void;
}

function ScheduleFields({
  draft,
  field,
  onKind,
}: {
  draft: ServiceDraft;
  field: (name: DraftField) => FieldProps;
  onKind: (kind: string) => void;
}) {
  const zones = useMemo(knownZones, []);
  const zonesId = `${field('tz').id}-zones`;
  return (
    <fieldset className="schedule">
      <legend>Schedule</legend>
      <div className="choices">
        {SCHEDULES.map(([kind, label, words]) => (
          <label key={kind} className="choice">
            <input type="radio" name="kind" value={kind} checked={draft.kind === kind} onChange={() => onKind(kind)} />
            <span>
              {label} <span className="muted small">({words})</span>
            </span>
          </label>
        ))}
      </div>
      {draft.kind === 'period' && (
        <TextField {...field('period')} name="period" label="Period" hint="How often it runs: 90s, 15m, 1h30m, 1d." />
      )}
      {draft.kind === 'cron' && (
        <div className="field-row">
          <TextField {...field('cron')} name="cron" label="Cron expression" hint="5 fields: minute hour day-of-month month day-of-week." />
          <TextField {...field('tz')} name="tz" label="Time zone" hint="An IANA zone such as Europe/Paris; empty: UTC." list={zonesId} />
          <datalist id={zonesId}>
            {zones.map((zone) => (
              <option key={zone} value={zone} />
            ))}
          </datalist>
        </div>
      )}
      {draft.kind === 'nextIn' && (
        <TextField {...field('nextIn')} name="nextIn" label="nextIn" hint="The longest silence between pulses; a pulse may change it." />
      )}
    </fieldset>
  );
}

/** When alerts go out besides a death: a notice ahead of the deadline, reminders, and parents to wait for. */
function LifecycleFields({ field }: { field: (name: DraftField) => FieldProps }) {
  return (
    <fieldset className="lifecycle">
      <legend>Warnings and reminders</legend>
      <div className="field-row">
        <TextField
          {...field('warnBefore')}
          name="warnBefore"
          label="Warn before"
          hint="An alert that it is running late, this long before its deadline: 5m, 1h; empty: none."
        />
        <TextField
          {...field('remindEvery')}
          name="remindEvery"
          label="Remind every"
          hint="While dead, an alert again at this interval: 1h, 1d; empty: once."
        />
      </div>
      <TextField
        {...field('dependsOn')}
        name="dependsOn"
        label="Depends on"
        hint="Services it needs, comma-separated: while one is dead, its own death waits for that one to recover."
      />
    </fieldset>
  );
}

function AlertFields({
  draft,
  field,
  channels,
  mode,
}: {
  draft: ServiceDraft;
  field: (name: DraftField) => FieldProps;
  channels: readonly string[];
  mode: 'create' | 'edit';
}) {
  const type = field('alertType');
  // The service's own channel stays offered even when the server can no longer use it.
  const types = draft.alertType && !channels.includes(draft.alertType) ? [draft.alertType, ...channels] : channels;
  return (
    <div className="field-row">
      <div className="field">
        <label htmlFor={type.id}>Alert type</label>
        <select id={type.id} name="alertType" value={type.value} onChange={(event) => type.onChange(event.target.value)}>
          {mode === 'create' && <option value="">the server's default</option>}
          {types.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
      </div>
      <TextField
        {...field('alertTarget')}
        name="alertTarget"
        label="Alert target"
        hint={draft.alertType ? `${TARGET_WORDS[draft.alertType] ?? 'where alerts go'}.` : 'Set by the server with its default channel.'}
        disabled={!draft.alertType}
      />
    </div>
  );
}

/** A labelled input with its hint and its error, both read out with it. */
function TextField({
  id,
  name,
  label,
  hint,
  error,
  value,
  onChange,
  multiline = false,
  ...rest
}: FieldProps & {
  name: DraftField;
  label: string;
  hint: ReactNode;
  multiline?: boolean;
  autoFocus?: boolean;
  list?: string;
  disabled?: boolean;
}) {
  const described = [`${id}-hint`, error ? `${id}-error` : ''].filter(Boolean).join(' ');
  const common = { id, name, value, 'aria-invalid': error ? true : undefined, 'aria-describedby': described, ...rest };
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {multiline ? (
        <textarea {...common} rows={2} onChange={(event) => onChange(event.target.value)} />
      ) : (
        <input {...common} type="text" autoComplete="off" spellCheck={false} onChange={(event) => onChange(event.target.value)} />
      )}
      <span id={`${id}-hint`} className="hint">
        {hint}
      </span>
      {error && (
        <span id={`${id}-error`} className="field-error">
          {error}
        </span>
      )}
    </div>
  );
}
