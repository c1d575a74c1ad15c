import { useId, useState, type ReactNode } from 'react';
import { serverNow } from '../lib/api.js';
import { toDateTimeLocal } from '../lib/durations.js';
import { readSnooze, SNOOZE_CHOICES, spanWords, type SnoozeChoice, type SnoozeSpan } from '../lib/snooze.js';
import { ConfirmDialog } from './confirm-dialog.js';

const reason = (failure: unknown) => (failure instanceof Error ? failure.message : String(failure));

/**
 * Asks how long a snooze lasts (1 h, 4 h, 1 day, or until a date and time) and sends it
 * with `onSnooze`; `children` say what it covers, `confirmLabel` names it once more.
 */
export function SnoozeDialog({
  title,
  children,
  confirmLabel,
  onSnooze,
  onClose,
}: {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  onSnooze: (span: SnoozeSpan) => Promise<void>;
  onClose: () => void;
}) {
  const [choice, setChoice] = useState<SnoozeChoice>('1h');
  const [until, setUntil] = useState(() => toDateTimeLocal(Math.ceil(serverNow() / 3_600) * 3_600 + 3_600));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const read = readSnooze(choice, until, serverNow());

  async function confirm() {
    if ('problem' in read) return setError(read.problem);
    setBusy(true);
    setError(undefined);
    try {
      await onSnooze(read.span);
    } catch (failure) {
      setError(`Could not snooze: ${reason(failure)}.`);
      setBusy(false);
    }
  }

  return (
    <ConfirmDialog
      title={title}
      confirmLabel={confirmLabel}
      cancelLabel="Cancel"
      tone="primary"
      busy={busy}
      onConfirm={() => void confirm()}
      onClose={onClose}
    >
      {children}
      <SnoozeChoices choice={choice} until={until} onChoice={setChoice} onUntil={setUntil} />
      <p className="muted small" data-testid="snooze-span">
        {'span' in read ? `No alert ${spanWords(read.span)}.` : read.problem}
      </p>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </ConfirmDialog>
  );
}

function SnoozeChoices({
  choice,
  until,
  onChoice,
  onUntil,
}: {
  choice: SnoozeChoice;
  until: string;
  onChoice: (choice: SnoozeChoice) => void;
  onUntil: (until: string) => void;
}) {
  const id = useId();
  return (
    <fieldset className="snooze-choices">
      <legend>Snooze for</legend>
      <div className="choices">
        {SNOOZE_CHOICES.map((option) => (
          <label key={option.choice} className="choice">
            <input type="radio" name={`${id}-span`} checked={choice === option.choice} onChange={() => onChoice(option.choice)} />
            <span>{option.label}</span>
          </label>
        ))}
      </div>
      {choice === 'until' && (
        <div className="field">
          <label htmlFor={`${id}-until`}>Snooze until</label>
          <input id={`${id}-until`} type="datetime-local" value={until} onChange={(event) => onUntil(event.target.value)} />
          <span className="hint">This browser's time zone.</span>
        </div>
      )}
    </fieldset>
  );
}
