'use client';

export default function ErrorPage({ reset }: { error: Error; reset: () => void }) {
  return (
    <section className="card">
      <h1>Something went wrong</h1>
      <p role="alert">A service this page needs did not answer. Your data is safe; please try again in a moment.</p>
      <button type="button" className="primary" onClick={reset}>
        Try again
      </button>
    </section>
  );
}
