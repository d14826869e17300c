'use server';

import { IdParams } from '@voice/contracts/persistence';
import { redirect } from 'next/navigation';
import { callApi } from './api';
import { requireSession } from './session';

export async function deleteConversation(id: string): Promise<{ error?: string }> {
  const session = await requireSession('/history');
  const parsed = IdParams.safeParse({ id });
  if (!parsed.success) return { error: 'That conversation does not exist.' };
  const res = await callApi('persistence-api', `/v1/conversations/${parsed.data.id}`, { method: 'DELETE', token: session.accessToken });
  if (!res.ok && res.status !== 404) return { error: res.error.message };
  redirect('/history');
}
