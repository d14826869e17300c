import { IdParams, type ConversationDetail } from '@voice/contracts/persistence';
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { DeleteConversation } from '@/components/history/delete-conversation';
import { callApi } from '@/lib/api';
import { aboutFromMessages, agentLabel, channelLabel, conversationSummary } from '@/lib/conversation-summary';
import { formatDateTime, formatTime } from '@/lib/format';
import { requireSession } from '@/lib/session';
import { userTimeZone } from '@/lib/user-time-zone';

export const metadata: Metadata = { title: 'Conversation' };

export default async function ConversationPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const session = await requireSession(`/history/${encodeURIComponent(id)}`);
  const parsed = IdParams.safeParse({ id });
  if (!parsed.success) notFound();
  const [res, tz] = await Promise.all([
    callApi<ConversationDetail>('persistence-api', `/v1/conversations/${parsed.data.id}`, { token: session.accessToken }),
    userTimeZone(session),
  ]);
  if (!res.ok) {
    if (res.status === 404 || res.status === 400) notFound();
    throw new Error(res.error.message);
  }
  const c = res.data;
  const summary = conversationSummary(aboutFromMessages(c));
  return (
    <div className="page">
      <p>
        <Link href="/history">← All conversations</Link>
      </p>
      <h1>{summary.title}</h1>
      <p className="meta" data-testid="conversation-meta">
        {formatDateTime(c.startedAt, tz)} · {channelLabel(c.channel)} · with {summary.agents.join(', ')} ·{' '}
        {c.endedAt ? `ended at ${formatTime(c.endedAt, tz)}` : c.status === 'active' ? 'in progress' : 'ended'}
      </p>
      <ol className="transcript stored">
        {c.messages.map((m) => (
          <li key={m.id} className={`turn turn-${m.role}`} data-testid="message" data-role={m.role}>
            <span className="speaker">{m.role === 'user' ? 'You' : m.role === 'agent' ? agentLabel(m.agent) : 'System'}</span>
            <span className="words">{m.text}</span>
            <span className="meta">
              <time dateTime={m.createdAt}>{formatTime(m.createdAt, tz)}</time>
              {m.interrupted && <span className="tag">interrupted</span>}
              {m.latency.voiceToVoiceMs !== undefined && <span className="latency">{m.latency.voiceToVoiceMs} ms voice-to-voice</span>}
            </span>
          </li>
        ))}
        {c.messages.length === 0 && <li className="empty">Nothing was said in this conversation.</li>}
      </ol>
      <DeleteConversation id={c.id} />
    </div>
  );
}
