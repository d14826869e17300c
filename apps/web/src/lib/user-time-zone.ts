import type { Profile } from '@voice/contracts/persistence';
import { callApi } from './api';
import type { Session } from './session';

/** The time zone the user chose in their profile; UTC when the profile cannot be read (the page still renders). */
export async function userTimeZone(session: Session): Promise<string> {
  const res = await callApi<Profile>('persistence-api', '/v1/me', { token: session.accessToken }).catch(() => undefined);
  return res?.ok ? res.data.timezone : 'UTC';
}
