import { HttpException } from '@nestjs/common';
import type { ErrorCode, ErrorDetail } from '@voice/contracts/errors';

/** An error that leaves the API with a chosen status, code and message a person can act on. */
export class ApiError extends HttpException {
  constructor(
    status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetail[],
    readonly headers: Record<string, string> = {},
  ) {
    super(message, status);
  }

  /** True when the cause is logged elsewhere (once per outage, say): the answer itself is not logged as a failure. */
  logged = false;

  /** Marks the error as already accounted for in the logs; returns it. */
  alreadyLogged(): this {
    this.logged = true;
    return this;
  }

  static notFound(what: string) {
    return new ApiError(404, 'not_found', `${what} not found`);
  }
  static conflict(message: string) {
    return new ApiError(409, 'conflict', message);
  }
  static unauthorized(message = 'Sign in again: the credentials are missing, invalid or expired') {
    return new ApiError(401, 'unauthorized', message);
  }
  static forbidden(message: string) {
    return new ApiError(403, 'forbidden', message);
  }
  static badRequest(message: string, details?: ErrorDetail[]) {
    return new ApiError(400, 'bad_request', message, details);
  }
  static unavailable(code: ErrorCode, message: string, retryAfterSeconds: number) {
    return new ApiError(503, code, message, undefined, { 'Retry-After': String(retryAfterSeconds) });
  }
  static tooManyRequests(message: string, retryAfterSeconds: number) {
    return new ApiError(429, 'rate_limited', message, undefined, { 'Retry-After': String(retryAfterSeconds) });
  }
}
