import { z } from 'zod';

export const HealthCheck = z.object({
  status: z.enum(['up', 'down']),
  latencyMs: z.number().nonnegative(),
  error: z.string().optional(),
});
export type HealthCheck = z.infer<typeof HealthCheck>;

/**
 * Body of every service's health endpoint: 200 when `status` is ok, or degraded (a dependency the
 * instance can work without for a while is down, and named in `checks`); 503 when error (the
 * instance itself cannot serve).
 */
export const HealthResponse = z.object({
  status: z.enum(['ok', 'degraded', 'error']),
  checks: z.record(z.string(), HealthCheck),
});
export type HealthResponse = z.infer<typeof HealthResponse>;
