export default function Loading() {
  return (
    <p className="loading" role="status" aria-busy="true">
      Loading your profile…
    </p>
  );
}
