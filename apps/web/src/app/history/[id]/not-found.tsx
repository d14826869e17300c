import Link from 'next/link';

export default function ConversationNotFound() {
  return (
    <section className="card">
      <h1>Conversation not found</h1>
      <p>
        It may have been deleted, or it belongs to another account. <Link href="/history">Back to your conversations</Link>.
      </p>
    </section>
  );
}
