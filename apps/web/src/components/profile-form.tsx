'use client';

import type { Profile } from '@voice/contracts/persistence';
import { useActionState } from 'react';
import { deleteAccount, updateProfile, type ProfileState } from '@/lib/profile-actions';
import { ConfirmButton } from './ui/confirm-button';
import { Field } from './ui/field';

const initial: ProfileState = { errors: {}, saved: false };

export function ProfileForm({ profile }: { profile: Profile }) {
  const [state, action, pending] = useActionState(updateProfile, initial);
  // After a save the form shows what was saved; after a refusal, what was typed. React resets the
  // form to these defaults once the action is done.
  const v = state.values ?? {
    displayName: profile.displayName ?? '',
    language: profile.language,
    timezone: profile.timezone,
    phone: profile.phone ?? '',
    preferredVoice: profile.preferredVoice ?? '',
  };
  return (
    <>
      <form action={action} className="card" noValidate>
        <p className="meta">Signed in as {profile.email}</p>
        {state.errors.form && (
          <p className="form-error" role="alert">
            {state.errors.form}
          </p>
        )}
        <Field label="Display name" name="displayName" defaultValue={v.displayName} error={state.errors.displayName} autoComplete="name" />
        <Field label="Language" name="language" defaultValue={v.language} error={state.errors.language} hint="A language tag such as en or en-GB." />
        <Field label="Timezone" name="timezone" defaultValue={v.timezone} error={state.errors.timezone} hint="An IANA time zone such as Europe/Berlin." />
        <Field
          label="Phone"
          name="phone"
          type="tel"
          defaultValue={v.phone}
          error={state.errors.phone}
          autoComplete="tel"
          hint="In international form, e.g. +4915112345678."
        />
        <Field label="Preferred voice" name="preferredVoice" defaultValue={v.preferredVoice} error={state.errors.preferredVoice} />
        <button type="submit" className="primary" disabled={pending}>
          Save
        </button>
        {state.saved && (
          <p className="saved" role="status">
            Saved.
          </p>
        )}
      </form>
      <section className="card danger-zone">
        <h2>Delete account</h2>
        <p>Removes your account, your profile and every conversation. This cannot be undone.</p>
        <ConfirmButton
          label="Delete account"
          title="Delete your account?"
          body="Your profile and all your conversations are deleted for good."
          confirmLabel="Delete my account"
          onConfirm={deleteAccount}
        />
      </section>
    </>
  );
}
