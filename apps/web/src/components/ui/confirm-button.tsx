'use client';

import { useRef, useState, useTransition } from 'react';

interface ConfirmButtonProps {
  label: string;
  title: string;
  body: string;
  confirmLabel: string;
  onConfirm(): Promise<{ error?: string } | void>;
}

/** A destructive action behind a native <dialog> confirmation (focus-trapped, Escape cancels). */
export function ConfirmButton({ label, title, body, confirmLabel, onConfirm }: ConfirmButtonProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [error, setError] = useState<string>();
  const [pending, start] = useTransition();
  return (
    <>
      <button type="button" className="danger" onClick={() => dialog.current?.showModal()}>
        {label}
      </button>
      <dialog ref={dialog} aria-labelledby="confirm-title">
        <h2 id="confirm-title">{title}</h2>
        <p>{body}</p>
        {error && (
          <p role="alert" className="form-error">
            {error}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" onClick={() => dialog.current?.close()}>
            Cancel
          </button>
          <button
            type="button"
            className="danger"
            disabled={pending}
            onClick={() =>
              start(async () => {
                const result = await onConfirm();
                if (result?.error) setError(result.error);
              })
            }
          >
            {confirmLabel}
          </button>
        </div>
      </dialog>
    </>
  );
}
