'use server';

import { ConfirmPhoneVerificationRequest, StartPhoneVerificationRequest, type PhoneVerificationStarted, type Profile } from '@voice/contracts/persistence';
import { callApi, fieldErrors } from './api';
import { personMessages } from './messages';
import { requireSession } from './session';

export interface PhoneState {
  /** Entering a number, or entering the code sent to `phone`. */
  step: 'number' | 'code';
  phone: string;
  verifiedPhone: string | null;
  errors: Record<string, string>;
  notice?: string;
}

const problems = (issues: { path: PropertyKey[]; message: string }[]) => {
  const errors: Record<string, string> = {};
  for (const issue of issues) errors[String(issue.path[0] ?? 'form')] ??= issue.message;
  return personMessages(errors);
};

/** The API's refusal worded for a person: next to its field when it names one, else for the whole card. */
const refused = (error: Parameters<typeof fieldErrors>[0]) => {
  const fields = fieldErrors(error);
  return personMessages(Object.keys(fields).length ? fields : { form: error.message });
};

/** One action for the phone card: the pressed button's `intent` says send, confirm, or remove. */
export async function phoneVerification(prev: PhoneState, form: FormData): Promise<PhoneState> {
  const session = await requireSession('/profile');
  const intent = String(form.get('intent') ?? '');
  const phone = String(form.get('phone') ?? prev.phone).trim();
  if (intent === 'remove') {
    const res = await callApi('persistence-api', '/v1/me/phone', { method: 'DELETE', token: session.accessToken });
    if (!res.ok) return { ...prev, errors: personMessages({ form: res.error.message }) };
    return { step: 'number', phone: '', verifiedPhone: null, errors: {}, notice: 'Phone number removed.' };
  }
  if (intent === 'confirm') {
    const parsed = ConfirmPhoneVerificationRequest.safeParse({ phone, code: String(form.get('code') ?? '') });
    if (!parsed.success) return { ...prev, errors: problems(parsed.error.issues) };
    const res = await callApi<Profile>('persistence-api', '/v1/me/phone/verification/confirm', {
      method: 'POST',
      token: session.accessToken,
      body: parsed.data,
    });
    if (!res.ok) return { ...prev, errors: refused(res.error) };
    return { step: 'number', phone: res.data.phone ?? phone, verifiedPhone: res.data.phone, errors: {}, notice: 'Phone number verified.' };
  }
  const parsed = StartPhoneVerificationRequest.safeParse({ phone });
  if (!parsed.success) return { ...prev, step: 'number', phone, errors: problems(parsed.error.issues) };
  const res = await callApi<PhoneVerificationStarted>('persistence-api', '/v1/me/phone/verification', {
    method: 'POST',
    token: session.accessToken,
    body: parsed.data,
  });
  if (!res.ok) return { ...prev, phone, errors: refused(res.error) };
  return { ...prev, step: 'code', phone: res.data.phone, errors: {}, notice: `We sent a 6-digit code to ${res.data.phone}. It works for 10 minutes.` };
}
