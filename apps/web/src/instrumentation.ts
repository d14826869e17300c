/** Runs once when the server starts: a bad or missing setting stops start-up with one message naming each. */
export async function register() {
  if (process.env.NEXT_RUNTIME === 'nodejs') await import('./instrumentation-node');
}
