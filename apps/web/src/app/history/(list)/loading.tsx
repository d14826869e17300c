// In the (list) route group so that it covers /history only: a loading boundary above
// /history/[id] would start streaming a 200 before the page can call notFound(), and a missing
// or someone else's conversation must answer 404.
export default function Loading() {
  return (
    <p className="loading" role="status" aria-busy="true">
      Loading your conversations…
    </p>
  );
}
