import { z } from 'zod';

export const HealthCheck = z.object({
  status: z.enum(['up', 'down']),
  latencyMs: z.number().nonnegative(),
  error: z.string().optional(),
});
export type HealthCheck = z.infer<typeof HealthCheck>;

/** Body of every service's health endpoint: 200 when `status` is ok, 503 otherwise. */
export const HealthResponse = z.object({
  status: z.enum(['ok', 'error']),
  checks: z.record(z.string(), HealthCheck),
});
export type HealthResponse = z.infer<typeof HealthResponse>;
