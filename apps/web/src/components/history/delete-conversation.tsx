'use client';

import { deleteConversation } from '@/lib/history-actions';
import { ConfirmButton } from '../ui/confirm-button';

export function DeleteConversation({ id }: { id: string }) {
  return (
    <ConfirmButton
      label="Delete conversation"
      title="Delete this conversation?"
      body="Its whole transcript is removed for good."
      confirmLabel="Delete"
      onConfirm={() => deleteConversation(id)}
    />
  );
}
