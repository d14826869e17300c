import type { Profile } from '@voice/contracts/persistence';
import type { Metadata } from 'next';
import { PhoneVerificationForm } from '@/components/phone-verification-form';
import { ProfileForm } from '@/components/profile-form';
import { callApi } from '@/lib/api';
import { requireSession } from '@/lib/session';

export const metadata: Metadata = { title: 'Profile' };

export default async function ProfilePage() {
  const session = await requireSession('/profile');
  const res = await callApi<Profile>('persistence-api', '/v1/me', { token: session.accessToken });
  if (!res.ok) throw new Error(res.error.message);
  return (
    <div className="page narrow">
      <h1>Your profile</h1>
      <ProfileForm profile={res.data} />
      <PhoneVerificationForm profile={res.data} />
    </div>
  );
}
