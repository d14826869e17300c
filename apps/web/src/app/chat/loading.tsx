export default function Loading() {
  return (
    <p className="loading" role="status" aria-busy="true">
      Opening the chat…
    </p>
  );
}
