import { Controller, DynamicModule, Get, Inject, Module, Res, type ModuleMetadata } from '@nestjs/common';
import type { HealthCheck, HealthResponse } from '@voice/contracts/health';
import type { FastifyReply } from 'fastify';

/** A dependency probe: resolves when healthy, rejects (or hangs) when not. */
export interface HealthProbe {
  name: string;
  check: () => Promise<unknown>;
  /**
   * false: the instance keeps serving while this is down (it is reported, and logged, but the answer
   * stays 200 with status "degraded"), so a platform's health probe does not take every instance out
   * of rotation for a dependency they all share. Default true: down means this instance cannot serve.
   */
  fatal?: boolean;
}

/**
 * What a probe rejects with when its dependency is down for a reason every instance shares and that
 * may pass (a cloud provider unreachable): counted like a probe marked `fatal: false`, for probes
 * whose other failures do stop the instance (that provider refusing our key).
 */
export class NonFatalHealthError extends Error {
  readonly fatal = false;
}

export const HEALTH_PROBES = Symbol('HEALTH_PROBES');
const DEFAULT_TIMEOUT_MS = 800;

async function runProbe(probe: HealthProbe, timeoutMs: number): Promise<HealthCheck & { fatal: boolean }> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([probe.check(), timeout]);
    return { status: 'up', latencyMs: Math.round(performance.now() - started), fatal: false };
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    // Duck-typed: the error may come from another realm (Jest's VM), where instanceof fails.
    const fatal = probe.fatal !== false && (err as { fatal?: unknown } | undefined)?.fatal !== false;
    return { status: 'down', latencyMs: Math.round(performance.now() - started), error, fatal };
  } finally {
    clearTimeout(timer);
  }
}

/** Runs every probe at once, each bounded by the timeout, so the answer comes within a second. */
export async function runHealthChecks(probes: HealthProbe[], timeoutMs = DEFAULT_TIMEOUT_MS): Promise<HealthResponse> {
  const results = await Promise.all(probes.map((p) => runProbe(p, timeoutMs)));
  const checks = Object.fromEntries(probes.map((p, i) => [p.name, withoutFatal(results[i])]));
  const down = results.filter((r) => r.status === 'down');
  const status = down.length === 0 ? 'ok' : down.some((r) => r.fatal) ? 'error' : 'degraded';
  return { status, checks };
}

function withoutFatal({ fatal: _fatal, ...check }: HealthCheck & { fatal: boolean }): HealthCheck {
  return check;
}

@Controller()
class HealthController {
  constructor(@Inject(HEALTH_PROBES) private readonly probes: HealthProbe[]) {}

  @Get('health')
  async health(@Res() reply: FastifyReply) {
    const result = await runHealthChecks(this.probes);
    const down = Object.entries(result.checks).filter(([, c]) => c.status === 'down');
    if (down.length) reply.log.warn({ down: down.map(([name, c]) => `${name}: ${c.error}`) }, 'health check failed');
    void reply
      .status(result.status === 'error' ? 503 : 200)
      .header('Cache-Control', 'no-store')
      .send(result);
  }
}

@Module({})
export class HealthModule {
  static forRootAsync(options: { imports?: ModuleMetadata['imports']; inject?: unknown[]; useFactory: (...deps: never[]) => HealthProbe[] }): DynamicModule {
    return {
      module: HealthModule,
      imports: options.imports ?? [],
      controllers: [HealthController],
      providers: [{ provide: HEALTH_PROBES, inject: (options.inject ?? []) as never[], useFactory: options.useFactory }],
    };
  }
}
