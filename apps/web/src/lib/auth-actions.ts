'use server';

import { LoginRequest, RegisterRequest, type TokenResponse } from '@voice/contracts/persistence';
import { redirect } from 'next/navigation';
import { callApi, fieldErrors, ServiceUnavailableError } from './api';
import { browserAddressHeaders } from './browser-address';
import { personMessages } from './messages';
import { endSession, safeReturnPath, startSession } from './session';

export interface FormState {
  /** Messages by field name; `form` is for the whole form. */
  errors: Record<string, string>;
  values: Record<string, string>;
}

const text = (form: FormData, name: string) => String(form.get(name) ?? '');

function zodErrors(issues: { path: PropertyKey[]; message: string }[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of issues) out[String(issue.path[0] ?? 'form')] ??= issue.message;
  return personMessages(out);
}

async function authenticate(
  path: string,
  body: unknown,
  onRefused: (status: number, error: { message: string; details?: { path: string; message: string }[] }) => Record<string, string>,
) {
  try {
    const res = await callApi<TokenResponse>('persistence-api', path, { method: 'POST', body, headers: await browserAddressHeaders() });
    if (res.ok) {
      await startSession(res.data);
      return undefined;
    }
    return onRefused(res.status, res.error);
  } catch (err) {
    if (err instanceof ServiceUnavailableError) return { form: 'The sign-in service is not answering right now. Please try again in a minute.' };
    throw err;
  }
}

export async function login(_prev: FormState, form: FormData): Promise<FormState> {
  const values = { email: text(form, 'email') };
  const parsed = LoginRequest.safeParse({ email: values.email, password: text(form, 'password') });
  if (!parsed.success) return { values, errors: zodErrors(parsed.error.issues) };
  const errors = await authenticate('/v1/auth/login', parsed.data, (status, error): Record<string, string> => {
    if (status === 401) return { password: 'Wrong email or password.' };
    return personMessages({ form: error.message, ...fieldErrors(error as never) });
  });
  if (errors) return { values, errors };
  redirect(safeReturnPath(form.get('next')));
}

export async function register(_prev: FormState, form: FormData): Promise<FormState> {
  const values = { email: text(form, 'email'), displayName: text(form, 'displayName') };
  const parsed = RegisterRequest.safeParse({
    email: values.email,
    password: text(form, 'password'),
    ...(values.displayName.trim() ? { displayName: values.displayName } : {}),
  });
  if (!parsed.success) return { values, errors: zodErrors(parsed.error.issues) };
  const errors = await authenticate('/v1/auth/register', parsed.data, (status, error): Record<string, string> => {
    if (status === 409) return { email: 'An account with this email already exists. Sign in instead?' };
    return personMessages({ form: error.message, ...fieldErrors(error as never) });
  });
  if (errors) return { values, errors };
  redirect(safeReturnPath(form.get('next')));
}

export async function logout(): Promise<void> {
  await endSession();
  redirect('/login');
}
