import type { ErrorBody } from '@voice/contracts/errors';
import type { Response } from 'supertest';

const errorOf = (res: Response) => (res.body as ErrorBody).error;

/** Asserts the one error shape, carrying the request id of the response header. */
export function expectError(res: Response, status: number, code: ErrorBody['error']['code'], message?: string | RegExp) {
  expect(res.status).toBe(status);
  const error = errorOf(res);
  expect(error).toEqual(expect.objectContaining({ code, message: expect.any(String) }));
  expect(error.requestId).toBe(res.headers['x-request-id']);
  if (typeof message === 'string') expect(error.message).toBe(message);
  else if (message) expect(error.message).toMatch(message);
  return error;
}

/** A 400 validation error whose details name `path` (and, optionally, say `message` about it). */
export function expectValidation(res: Response, path: string, message?: string | RegExp) {
  const error = expectError(res, 400, 'validation_failed');
  const detail = (error.details ?? []).find((d) => d.path === path);
  expect((error.details ?? []).map((d) => d.path)).toContain(path);
  if (message) expect(detail?.message).toMatch(message);
  return error;
}
