'use client';

import { PASSWORD_POLICY } from '@voice/contracts/persistence';
import Link from 'next/link';
import { useActionState } from 'react';
import { login, register, type FormState } from '@/lib/auth-actions';
import { Field } from './ui/field';

const initial: FormState = { errors: {}, values: {} };

export function AuthForm({ mode, next }: { mode: 'login' | 'register'; next?: string }) {
  const [state, action, pending] = useActionState(mode === 'login' ? login : register, initial);
  const other = next ? `?next=${encodeURIComponent(next)}` : '';
  return (
    <form action={action} className="card auth" noValidate>
      <h1>{mode === 'login' ? 'Sign in' : 'Create your account'}</h1>
      {state.errors.form && (
        <p className="form-error" role="alert">
          {state.errors.form}
        </p>
      )}
      <input type="hidden" name="next" value={next ?? ''} />
      <Field label="Email" name="email" type="email" autoComplete="email" required defaultValue={state.values.email} error={state.errors.email} />
      <Field
        label="Password"
        name="password"
        type="password"
        autoComplete={mode === 'login' ? 'current-password' : 'new-password'}
        required
        error={state.errors.password}
        hint={mode === 'register' ? PASSWORD_POLICY : undefined}
      />
      {mode === 'register' && (
        <Field label="Display name" name="displayName" autoComplete="name" defaultValue={state.values.displayName} error={state.errors.displayName} />
      )}
      <button type="submit" className="primary" disabled={pending}>
        {mode === 'login' ? 'Sign in' : 'Create account'}
      </button>
      <p className="switch">
        {mode === 'login' ? (
          <>
            New here? <Link href={`/register${other}`}>Create an account</Link>
          </>
        ) : (
          <>
            Already have an account? <Link href={`/login${other}`}>Sign in</Link>
          </>
        )}
      </p>
    </form>
  );
}
