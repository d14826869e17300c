import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { AuthForm } from '@/components/auth-form';
import { getSession, safeReturnPath } from '@/lib/session';

export const metadata: Metadata = { title: 'Create account' };

export default async function RegisterPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const { next } = await searchParams;
  if (await getSession().catch(() => undefined)) redirect(safeReturnPath(next));
  return <AuthForm mode="register" next={next} />;
}
