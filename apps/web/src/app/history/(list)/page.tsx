import { ListConversationsQuery, type ConversationPage } from '@voice/contracts/persistence';
import type { Metadata } from 'next';
import Link from 'next/link';
import { callApi, fieldErrors } from '@/lib/api';
import { channelLabel, conversationSummary } from '@/lib/conversation-summary';
import { formatDateTime } from '@/lib/format';
import { personMessages } from '@/lib/messages';
import { requireSession } from '@/lib/session';
import { userTimeZone } from '@/lib/user-time-zone';

export const metadata: Metadata = { title: 'History' };

type Search = Record<string, string | undefined>;
const FILTERS = ['channel', 'agent', 'from', 'to', 'q'] as const;
const CHANNELS = { web: 'Web', phone: 'Phone', whatsapp: 'WhatsApp' };
const AGENTS = { receptionist: 'Receptionist', scheduler: 'Scheduler', billing: 'Billing' };

function FilterSelect({ label, name, value, options }: { label: string; name: string; value?: string; options: Record<string, string> }) {
  return (
    <label>
      <span>{label}</span>
      <select name={name} defaultValue={value ?? ''}>
        <option value="">Any</option>
        {Object.entries(options).map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The form speaks in days; the API in instants. "To" includes the whole day. */
function toQuery(s: Search) {
  return {
    ...(s.channel ? { channel: s.channel } : {}),
    ...(s.agent ? { agent: s.agent } : {}),
    ...(s.from ? { from: `${s.from}T00:00:00.000Z` } : {}),
    ...(s.to ? { to: `${s.to}T23:59:59.999Z` } : {}),
    ...(s.q?.trim() ? { q: s.q.trim() } : {}),
    ...(s.cursor ? { cursor: s.cursor } : {}),
    // A call in which nothing was said is not a conversation.
    hasMessages: 'true',
    limit: 20,
  };
}

function link(s: Search, cursor?: string) {
  const params = new URLSearchParams();
  for (const k of FILTERS) if (s[k]) params.set(k, s[k] as string);
  if (cursor) params.set('cursor', cursor);
  const qs = params.toString();
  return qs ? `/history?${qs}` : '/history';
}

export default async function HistoryPage({ searchParams }: { searchParams: Promise<Search> }) {
  const search = await searchParams;
  const session = await requireSession(link(search, search.cursor));
  const query = ListConversationsQuery.safeParse(toQuery(search));
  let errors: Record<string, string> = {};
  let page: ConversationPage = { items: [], nextCursor: null };
  const timeZone = userTimeZone(session);
  if (!query.success) {
    for (const issue of query.error.issues) errors[String(issue.path[0])] ??= issue.message;
  } else {
    const params = new URLSearchParams(Object.entries(query.data).map(([k, v]) => [k, String(v)]));
    const res = await callApi<ConversationPage>('persistence-api', `/v1/conversations?${params}`, { token: session.accessToken });
    if (res.ok) page = res.data;
    else errors = { form: res.error.message, ...fieldErrors(res.error) };
  }
  const items = page.items;
  const tz = await timeZone;

  return (
    <div className="page">
      <h1>Your conversations</h1>
      <form className="filters" method="get" action="/history">
        <FilterSelect label="Channel" name="channel" value={search.channel} options={CHANNELS} />
        <FilterSelect label="Agent" name="agent" value={search.agent} options={AGENTS} />
        <label>
          <span>From</span>
          <input type="date" name="from" defaultValue={search.from ?? ''} aria-invalid={errors.from ? true : undefined} />
        </label>
        <label>
          <span>To</span>
          <input type="date" name="to" defaultValue={search.to ?? ''} />
        </label>
        <label className="grow">
          <span>Search</span>
          <input type="search" name="q" defaultValue={search.q ?? ''} placeholder="Words said in the call" maxLength={200} />
        </label>
        <button type="submit" className="primary">
          Apply
        </button>
      </form>
      {Object.keys(errors).length > 0 && (
        <p className="form-error" role="alert">
          {Object.values(personMessages(errors)).join(' ')}
        </p>
      )}

      {items.length === 0 ? (
        <p className="empty card">
          {search.cursor || FILTERS.some((k) => search[k]) ? 'No conversations match these filters.' : 'No conversations yet. Start a call on the Chat page.'}
        </p>
      ) : (
        <ul className="conversations">
          {items.map((c) => {
            const summary = conversationSummary(c);
            return (
              <li key={c.id}>
                <Link href={`/history/${c.id}`} data-testid="conversation" className="conversation">
                  <span className="title">{summary.title}</span>
                  <span className="meta">
                    {formatDateTime(c.startedAt, tz)} · {channelLabel(c.channel)} · with {summary.agents.join(', ')} · {c.messageCount}{' '}
                    {c.messageCount === 1 ? 'message' : 'messages'}
                    {c.status === 'active' ? ' · in progress' : ''}
                  </span>
                </Link>
              </li>
            );
          })}
        </ul>
      )}
      <nav className="pager" aria-label="Pages">
        {search.cursor && <Link href={link(search)}>Newer</Link>}
        {page.nextCursor && <Link href={link(search, page.nextCursor)}>Older</Link>}
      </nav>
    </div>
  );
}
