import { z } from 'zod';

/** Machine-readable error codes shared by every service. */
export const ErrorCode = z.enum([
  'validation_failed',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'payload_too_large',
  'rate_limited',
  'unsupported_media_type',
  'bad_request',
  'service_unavailable',
  /** A provider we call (the SMS provider, say) failed or refused us: nothing was done; retry later. */
  'provider_failed',
  /** The database is down or did not answer in time: retry after the Retry-After header's seconds. */
  'database_unavailable',
  'internal_error',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ErrorDetail = z.object({
  /** Dotted path of the offending field, e.g. `body.email` or `query.limit`. */
  path: z.string(),
  message: z.string(),
});
export type ErrorDetail = z.infer<typeof ErrorDetail>;

/** The one shape every 4xx/5xx response body takes. */
export const ErrorBody = z.object({
  error: z.object({
    code: ErrorCode,
    message: z.string(),
    details: z.array(ErrorDetail).optional(),
    requestId: z.string().optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;
