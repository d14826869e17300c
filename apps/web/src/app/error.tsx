'use client';

import { useRouter } from 'next/navigation';
import { startTransition } from 'react';

export default function ErrorPage({ reset }: { error: Error; reset: () => void }) {
  const router = useRouter();
  // reset() alone re-renders what the server already sent, error included: refresh fetches the
  // page from the server again, and reset clears the error once that has arrived.
  const tryAgain = () =>
    startTransition(() => {
      router.refresh();
      reset();
    });
  return (
    <section className="card">
      <h1>Something went wrong</h1>
      <p role="alert">A service this page needs did not answer. Your data is safe; please try again in a moment.</p>
      <button type="button" className="primary" onClick={tryAgain}>
        Try again
      </button>
    </section>
  );
}
