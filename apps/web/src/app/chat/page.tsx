import type { Metadata } from 'next';
import { CallPanel } from '@/components/chat/call-panel';
import { requireSession } from '@/lib/session';

export const metadata: Metadata = { title: 'Chat' };

export default async function ChatPage() {
  const session = await requireSession('/chat');
  return (
    <div className="page">
      <h1>Talk to the front desk</h1>
      <p className="lede">Hello {session.user.displayName ?? session.user.email}. Ask about opening hours, book or move an appointment, or check your bill.</p>
      <CallPanel />
    </div>
  );
}
