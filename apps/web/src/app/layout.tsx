import type { Metadata, Viewport } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { logout } from '@/lib/auth-actions';
import { getSession } from '@/lib/session';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Clinic voice desk', template: '%s · Clinic voice desk' },
  description: 'Talk to the clinic front desk by voice.',
};
export const viewport: Viewport = { width: 'device-width', initialScale: 1 };

export default async function RootLayout({ children }: { children: ReactNode }) {
  const session = await getSession().catch(() => undefined);
  return (
    <html lang="en">
      <body>
        <header className="topbar">
          <Link href={session ? '/chat' : '/login'} className="brand">
            Clinic voice desk
          </Link>
          {session && (
            <nav aria-label="Main">
              <Link href="/chat">Chat</Link>
              <Link href="/history">History</Link>
              <Link href="/profile">Profile</Link>
              <form action={logout}>
                <button type="submit" className="link">
                  Sign out
                </button>
              </form>
            </nav>
          )}
        </header>
        <main>{children}</main>
      </body>
    </html>
  );
}
