'use server';

import { UpdateProfileRequest, type Profile } from '@voice/contracts/persistence';
import { redirect } from 'next/navigation';
import { callApi, fieldErrors } from './api';
import { personMessages } from './messages';
import { endSession, requireSession, updateSessionUser } from './session';

export interface ProfileState {
  errors: Record<string, string>;
  saved: boolean;
  /** What the form shows after this save: the saved profile, or what was typed when it was refused (so no edit is lost). */
  values?: Record<(typeof FIELDS)[number], string>;
}

const FIELDS = ['displayName', 'language', 'timezone', 'phone', 'preferredVoice'] as const;
const NULLABLE = new Set(['displayName', 'phone', 'preferredVoice']);

const formValues = (p: Profile): Record<(typeof FIELDS)[number], string> => ({
  displayName: p.displayName ?? '',
  language: p.language,
  timezone: p.timezone,
  phone: p.phone ?? '',
  preferredVoice: p.preferredVoice ?? '',
});

export async function updateProfile(_prev: ProfileState, form: FormData): Promise<ProfileState> {
  const session = await requireSession('/profile');
  const typed = Object.fromEntries(FIELDS.map((f) => [f, String(form.get(f) ?? '')])) as Record<(typeof FIELDS)[number], string>;
  const input: Record<string, string | null> = {};
  for (const f of FIELDS) {
    const v = typed[f].trim();
    input[f] = v === '' && NULLABLE.has(f) ? null : v;
  }
  const parsed = UpdateProfileRequest.safeParse(input);
  if (!parsed.success) {
    const errors: Record<string, string> = {};
    for (const issue of parsed.error.issues) errors[String(issue.path[0] ?? 'form')] ??= issue.message;
    return { errors: personMessages(errors), saved: false, values: typed };
  }
  const res = await callApi<Profile>('persistence-api', '/v1/me', { method: 'PATCH', token: session.accessToken, body: parsed.data });
  if (!res.ok) return { errors: personMessages({ form: res.error.message, ...fieldErrors(res.error) }), saved: false, values: typed };
  await updateSessionUser(session.id, { displayName: res.data.displayName });
  return { errors: {}, saved: true, values: formValues(res.data) };
}

export async function deleteAccount(): Promise<{ error?: string }> {
  const session = await requireSession('/profile');
  const res = await callApi('persistence-api', '/v1/me', { method: 'DELETE', token: session.accessToken });
  if (!res.ok) return { error: res.error.message };
  await endSession();
  redirect('/register');
}
