import type { ChannelType, ChannelView, PutChannelResponse } from '@watchtower/protocol';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { type Api, ApiError, describeFailure } from '../lib/api.js';
import {
  CHANNEL_FIELDS,
  CHANNEL_TYPE_NAMES,
  CHANNEL_TYPE_WORDS,
  channelBody,
  checkChannelDraft,
  draftFromChannel,
  emptyChannelDraft,
  fieldOfChannelHint,
  TEMPLATE_KINDS,
  TEMPLATE_VARIABLES,
  type ChannelDraft,
  type ChannelField,
} from '../lib/channels.js';
import { useSession } from '../live.js';

/**
 * Creates a channel (a name, a type, then that type's settings) or replaces one (`existing`:
 * its name and type stay). Secrets are never shown: one left empty keeps the stored one.
 * What the server refuses is shown above the form, in its own words.
 */
export function ChannelForm({
  existing,
  onSaved,
  onCancel,
}: {
  existing: ChannelView | undefined;
  onSaved: (answer: PutChannelResponse) => void;
  onCancel: () => void;
}) {
  const { draft, setDraft, errors, setErrors, message, busy, form, submit } = useChannelDraft(existing, onSaved);
  const id = useId();
  // Opened from a row far down the list: the form comes into view, its first field ready.
  useEffect(() => {
    form.current?.scrollIntoView({ block: 'start' });
    form.current?.querySelector<HTMLElement>(':is(input, select, textarea):not(:disabled)')?.focus();
  }, [form]);
  return (
    <form ref={form} className="card channel-form" onSubmit={submit} noValidate aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{existing ? `Edit ${existing.name}` : 'New channel'}</h2>
      <div className="form-message" aria-live="assertive" aria-atomic="true">
        {message && (
          <p className="error" data-testid="channel-form-message">
            {message}
          </p>
        )}
      </div>
      <NameAndType
        id={id}
        draft={draft}
        existing={existing}
        error={errors.name}
        onName={(name) => {
          setDraft((current) => ({ ...current, name }));
          setErrors(({ name: _fixed, ...rest }) => rest);
        }}
        onType={(type) => {
          setDraft((current) => ({ ...current, type, values: {} }));
          setErrors({});
        }}
      />
      <SettingsFields
        id={id}
        draft={draft}
        existing={existing}
        errors={errors}
        onDraft={(change) => setDraft((current) => ({ ...current, ...change(current) }))}
        onFixed={(name) => setErrors(({ [name]: _fixed, ...rest }) => rest)}
      />
      <TemplateFields id={id} draft={draft} onChange={(templates) => setDraft((current) => ({ ...current, templates }))} />
      <div className="form-actions">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Saving…' : existing ? 'Save channel' : 'Create channel'}
        </button>
        <button type="button" className="ghost" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** The form's state, and its submission: checked here first, then sent; a refusal about one setting is shown beside it. */
function useChannelDraft(existing: ChannelView | undefined, onSaved: (answer: PutChannelResponse) => void) {
  const { api } = useSession();
  const [draft, setDraft] = useState<ChannelDraft>(() => (existing ? draftFromChannel(existing) : emptyChannelDraft()));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  const focus = (name: string) => form.current?.querySelector<HTMLElement>(`[name="${name}"]`)?.focus();

  async function submit(event: FormEvent) {
    event.preventDefault();
    const found = checkChannelDraft(draft, existing);
    const fields = Object.keys(found);
    setErrors(found);
    if (fields.length > 0) {
      setMessage(`Check ${fields.length === 1 ? 'one field' : `${fields.length} fields`}: ${Object.values(found).join(' ')}`);
      focus(fields[0]!);
      return;
    }
    setBusy(true);
    setMessage(undefined);
    try {
      // PUT replaces a channel of the same name: a new one must not replace another by mistake.
      if (!existing && (await channelExists(api, draft.name.trim()))) {
        setErrors({ name: `A channel named ${draft.name.trim()} exists already: edit it from the list, or pick another name.` });
        setMessage(`A channel named ${draft.name.trim()} exists already.`);
        focus('name');
        setBusy(false);
        return;
      }
      onSaved(await api.putChannel(existing?.name ?? draft.name.trim(), channelBody(draft)));
    } catch (failure) {
      setMessage(describeFailure(failure, 'save the channel'));
      const hint = failure instanceof ApiError && failure.status === 400 ? failure.hint : undefined;
      const field = hint === undefined ? undefined : fieldOfChannelHint(draft.type, hint);
      if (field && hint) {
        setErrors({ [field]: hint });
        focus(field);
      }
      setBusy(false);
    }
  }
  return { draft, setDraft, errors, setErrors, message, busy, form, submit };
}

async function channelExists(api: Api, name: string): Promise<boolean> {
  return api.channel(name).then(
    () => true,
    (error: unknown) => (error instanceof ApiError && error.status === 404 ? false : Promise.reject(error)),
  );
}

/** The chosen type's settings, and for a webhook what becomes of its signing secret. */
function SettingsFields({
  id,
  draft,
  existing,
  errors,
  onDraft,
  onFixed,
}: {
  id: string;
  draft: ChannelDraft;
  existing: ChannelView | undefined;
  errors: Record<string, string>;
  onDraft: (change: (current: ChannelDraft) => Partial<ChannelDraft>) => void;
  onFixed: (name: string) => void;
}) {
  return (
    <fieldset className="channel-settings">
      <legend>{draft.type} settings</legend>
      {CHANNEL_FIELDS[draft.type].map((field) => (
        <SettingField
          key={`${draft.type}-${field.name}`}
          id={`${id}-${field.name}`}
          field={field}
          value={draft.values[field.name] ?? ''}
          stored={existing?.type === draft.type && existing.secrets.includes(field.name)}
          error={errors[field.name]}
          onChange={(value) => {
            onDraft((current) => ({ values: { ...current.values, [field.name]: value } }));
            onFixed(field.name);
          }}
        />
      ))}
      {draft.type === 'webhook' && (
        <WebhookSecretNote draft={draft} existing={existing} onRotate={(rotateSecret) => onDraft(() => ({ rotateSecret }))} />
      )}
    </fieldset>
  );
}

function NameAndType({
  id,
  draft,
  existing,
  error,
  onName,
  onType,
}: {
  id: string;
  draft: ChannelDraft;
  existing: ChannelView | undefined;
  error: string | undefined;
  onName: (name: string) => void;
  onType: (type: ChannelType) => void;
}) {
  return (
    <div className="field-row">
      {!existing && (
        <div className="field">
          <label htmlFor={`${id}-name`}>
            Name <Required />
          </label>
          <input
            id={`${id}-name`}
            name="name"
            type="text"
            autoComplete="off"
            spellCheck={false}
            value={draft.name}
            onChange={(event) => onName(event.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={`${id}-name-hint${error ? ` ${id}-name-error` : ''}`}
          />
          <span id={`${id}-name-hint`} className="hint">
            How services name it in their channels: letters, digits and - _ . : such as ops-slack.
          </span>
          {error && (
            <span id={`${id}-name-error`} className="field-error">
              {error}
            </span>
          )}
        </div>
      )}
      <div className="field">
        <label htmlFor={`${id}-type`}>Type</label>
        <select
          id={`${id}-type`}
          name="type"
          value={draft.type}
          disabled={existing !== undefined}
          onChange={(event) => onType(event.target.value as ChannelType)}
          aria-describedby={`${id}-type-hint`}
        >
          {CHANNEL_TYPE_NAMES.map((type) => (
            <option key={type} value={type}>
              {type}
            </option>
          ))}
        </select>
        <span id={`${id}-type-hint`} className="hint" data-testid="channel-type-words">
          Sends {CHANNEL_TYPE_WORDS[draft.type]}.{existing ? ' Another type is another channel: create it under a new name.' : ''}
        </span>
      </div>
    </div>
  );
}

const Required = () => (
  <span className="required" title="required">
    *<span className="visually-hidden"> (required)</span>
  </span>
);

/** One setting: a labelled input with its help and its error; a secret is a password input that is never filled in. */
function SettingField({
  id,
  field,
  value,
  stored,
  error,
  onChange,
}: {
  id: string;
  field: ChannelField;
  value: string;
  /** A secret the server keeps already. */
  stored: boolean;
  error: string | undefined;
  onChange: (value: string) => void;
}) {
  const help = stored ? `Set — leave empty to keep it. ${field.help}` : field.help;
  const described = `${id}-hint${error ? ` ${id}-error` : ''}`;
  const common = { id, name: field.name, 'aria-invalid': error ? true : undefined, 'aria-describedby': described };
  if (field.input === 'checkbox') {
    return (
      <div className="field checkbox-field">
        <label className="choice">
          <input
            {...common}
            type="checkbox"
            checked={value === 'true'}
            onChange={(event) => onChange(event.target.checked ? 'true' : '')}
          />
          <span>{field.label}</span>
        </label>
        <span id={`${id}-hint`} className="hint">
          {help}
        </span>
      </div>
    );
  }
  return (
    <div className="field">
      <label htmlFor={id}>
        {field.label} {field.required && !stored && <Required />}
      </label>
      {field.input === 'select' ? (
        <select {...common} value={value} onChange={(event) => onChange(event.target.value)}>
          <option value="">default</option>
          {field.options?.map((option) => (
            <option key={option} value={option}>
              {option}
            </option>
          ))}
        </select>
      ) : (
        <input
          {...common}
          type={field.secret ? 'password' : field.input === 'number' ? 'number' : 'text'}
          autoComplete={field.secret ? 'new-password' : 'off'}
          spellCheck={false}
          value={value}
          placeholder={stored ? 'set — leave empty to keep' : field.placeholder}
          onChange={(event) => onChange(event.target.value)}
        />
      )}
      <span id={`${id}-hint`} className="hint">
        {help}
      </span>
      {error && (
        <span id={`${id}-error`} className="field-error">
          {error}
        </span>
      )}
    </div>
  );
}

/** The webhook's signing secret: made by the server, shown once; an edit may ask for a new one. */
function WebhookSecretNote({
  draft,
  existing,
  onRotate,
}: {
  draft: ChannelDraft;
  existing: ChannelView | undefined;
  onRotate: (rotate: boolean) => void;
}) {
  if (existing?.type !== 'webhook') {
    return <p className="hint">The server makes the signing secret and shows it once, when the channel is created.</p>;
  }
  return (
    <div className="field checkbox-field">
      <label className="choice">
        <input type="checkbox" name="rotateSecret" checked={draft.rotateSecret} onChange={(event) => onRotate(event.target.checked)} />
        <span>Make a new signing secret</span>
      </label>
      <span className="hint">Shown once when saved; the old secret keeps signing beside it for a while, so receivers can switch.</span>
    </div>
  );
}

/** Each kind's own title and body, folded away: empty keeps the built-in wording. */
function TemplateFields({
  id,
  draft,
  onChange,
}: {
  id: string;
  draft: ChannelDraft;
  onChange: (templates: ChannelDraft['templates']) => void;
}) {
  const set = (kind: string, part: 'title' | 'body', text: string) => {
    const current = draft.templates[kind] ?? { title: '', body: '' };
    onChange({ ...draft.templates, [kind]: { ...current, [part]: text } });
  };
  const used = TEMPLATE_KINDS.filter((kind) => draft.templates[kind]?.title || draft.templates[kind]?.body);
  // Open from the start when the channel has templates; then as the person leaves it.
  const [initiallyOpen] = useState(used.length > 0);
  return (
    <details className="templates" open={initiallyOpen}>
      <summary>Message templates {used.length > 0 ? `(${used.join(', ')})` : '(optional)'}</summary>
      <p className="hint">
        A title and a body per kind of alert, in the channel’s own markup, with {'{{variable}}'} placeholders (values are escaped). Empty:
        the built-in wording.
      </p>
      {TEMPLATE_KINDS.map((kind) => (
        <fieldset key={kind} className="template">
          <legend>{kind}</legend>
          <div className="field-row">
            <div className="field">
              <label htmlFor={`${id}-${kind}-title`}>{kind} title</label>
              <input
                id={`${id}-${kind}-title`}
                name={`templates.${kind}.title`}
                type="text"
                value={draft.templates[kind]?.title ?? ''}
                onChange={(event) => set(kind, 'title', event.target.value)}
              />
            </div>
            <div className="field">
              <label htmlFor={`${id}-${kind}-body`}>{kind} body</label>
              <textarea
                id={`${id}-${kind}-body`}
                name={`templates.${kind}.body`}
                rows={2}
                value={draft.templates[kind]?.body ?? ''}
                onChange={(event) => set(kind, 'body', event.target.value)}
              />
            </div>
          </div>
          <p className="hint" data-testid={`variables-${kind}`}>
            Variables: {TEMPLATE_VARIABLES[kind].map((name) => `{{${name}}}`).join(' ')}
          </p>
        </fieldset>
      ))}
    </details>
  );
}
