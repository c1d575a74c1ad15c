import { useEffect, useRef, type ReactNode } from 'react';

/** A modal question (the native <dialog>: focus stays inside, Escape answers no). */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  cancelLabel = 'Keep it',
  busy = false,
  tone = 'danger',
  onConfirm,
  onClose,
}: {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  cancelLabel?: string;
  busy?: boolean;
  /** What the confirm button looks like: danger for what cannot be undone. */
  tone?: 'danger' | 'primary';
  onConfirm: () => void;
  onClose: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    return () => element?.close();
  }, []);
  return (
    <dialog
      ref={dialog}
      className="card dialog"
      aria-labelledby="dialog-title"
      onClose={() => {
        // A close queued by an effect's cleanup may land after the dialog opened again.
        if (!dialog.current?.open) onClose();
      }}
    >
      <h2 id="dialog-title">{title}</h2>
      <div>{children}</div>
      <div className="dialog-actions">
        <button type="button" autoFocus onClick={onClose} disabled={busy}>
          {cancelLabel}
        </button>
        <button type="button" className={tone} onClick={onConfirm} disabled={busy}>
          {busy ? 'Working…' : confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
