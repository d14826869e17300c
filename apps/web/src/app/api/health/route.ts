import type { HealthResponse } from '@voice/contracts/health';
import { webConfig } from '@/lib/config';

export const dynamic = 'force-dynamic';

async function probe(url: string, timeoutMs: number) {
  const started = performance.now();
  try {
    const res = await fetch(url, { cache: 'no-store', signal: AbortSignal.timeout(timeoutMs) });
    const latencyMs = Math.round(performance.now() - started);
    return res.ok ? { status: 'up' as const, latencyMs } : { status: 'down' as const, latencyMs, error: `answered ${res.status}` };
  } catch (err) {
    const latencyMs = Math.round(performance.now() - started);
    const timedOut = (err as Error).name === 'TimeoutError';
    return { status: 'down' as const, latencyMs, error: timedOut ? `did not answer within ${timeoutMs} ms` : 'unreachable' };
  }
}

/** 200 when both APIs answer their health endpoints; 503 naming the one that does not. Bounded well under a second. */
export async function GET() {
  const c = webConfig();
  const [persistence, voice] = await Promise.all([
    probe(new URL('/health', c.PERSISTENCE_API_URL).href, c.HEALTH_TIMEOUT_MS),
    probe(new URL('/health', c.VOICE_API_URL).href, c.HEALTH_TIMEOUT_MS),
  ]);
  const checks = { 'persistence-api': persistence, 'voice-api': voice };
  const ok = persistence.status === 'up' && voice.status === 'up';
  const body: HealthResponse = { status: ok ? 'ok' : 'error', checks };
  return Response.json(body, { status: ok ? 200 : 503, headers: { 'cache-control': 'no-store' } });
}
