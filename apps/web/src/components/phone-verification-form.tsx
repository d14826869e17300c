'use client';

import type { Profile } from '@voice/contracts/persistence';
import { useActionState } from 'react';
import { phoneVerification, type PhoneState } from '@/lib/phone-actions';
import { Field } from './ui/field';

/** Verify the profile's phone number with a code sent by SMS: calls from a verified number join the history. */
export function PhoneVerificationForm({ profile }: { profile: Profile }) {
  const initial: PhoneState = {
    step: 'number',
    phone: profile.phone ?? '',
    verifiedPhone: profile.phoneVerifiedAt ? profile.phone : null,
    errors: {},
  };
  const [state, action, pending] = useActionState(phoneVerification, initial);
  const verified = state.verifiedPhone !== null && state.verifiedPhone === state.phone;
  return (
    <form action={action} className="card" noValidate aria-labelledby="phone-verification-title">
      <h2 id="phone-verification-title">Phone number for calls</h2>
      <p className="meta">Verify your number and your phone calls and WhatsApp chats from it appear in your history.</p>
      {state.errors.form && (
        <p className="form-error" role="alert">
          {state.errors.form}
        </p>
      )}
      {verified && (
        <p className="badge verified" data-testid="phone-verified">
          ✓ {state.verifiedPhone} is verified
        </p>
      )}
      {state.step === 'number' ? (
        <>
          <Field
            key={`number-${state.phone}`}
            label="Phone number to verify"
            id="field-verify-phone"
            name="phone"
            type="tel"
            defaultValue={state.phone}
            error={state.errors.phone}
            autoComplete="tel"
            hint="In international form, e.g. +4915112345678."
          />
          <button type="submit" name="intent" value="send" disabled={pending}>
            Send code
          </button>
          {state.verifiedPhone && (
            <button type="submit" name="intent" value="remove" disabled={pending}>
              Remove number
            </button>
          )}
        </>
      ) : (
        <>
          <input type="hidden" name="phone" value={state.phone} />
          <Field key="code" label="Code from the SMS" name="code" inputMode="numeric" autoComplete="one-time-code" maxLength={6} error={state.errors.code} />
          <button type="submit" className="primary" name="intent" value="confirm" disabled={pending}>
            Verify
          </button>
          <button type="submit" name="intent" value="send" disabled={pending}>
            Send a new code
          </button>
        </>
      )}
      {state.notice && !state.errors.form && (
        <p className="saved" role="status">
          {state.notice}
        </p>
      )}
    </form>
  );
}
