import type { ErrorBody } from '@voice/contracts/errors';

/** What a test's HTTP client returns (supertest's Response has this shape). */
export interface ApiResponse {
  status: number;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
}

/** Asserts the one error shape, carrying the request id of the response header. */
export function expectError(res: ApiResponse, status: number, code: ErrorBody['error']['code'], message?: string | RegExp) {
  expect({ status: res.status, body: res.body }).toEqual({ status, body: expect.objectContaining({ error: expect.objectContaining({ code }) }) });
  const error = (res.body as ErrorBody).error;
  expect(error.message).toEqual(expect.any(String));
  expect(error.requestId).toBe(res.headers['x-request-id']);
  if (typeof message === 'string') expect(error.message).toBe(message);
  else if (message) expect(error.message).toMatch(message);
  return error;
}

/** A 400 validation error whose details name `path` (and, optionally, say `message` about it). */
export function expectValidation(res: ApiResponse, path: string, message?: string | RegExp) {
  const error = expectError(res, 400, 'validation_failed');
  const detail = (error.details ?? []).find((d) => d.path === path);
  expect((error.details ?? []).map((d) => d.path)).toContain(path);
  if (message) expect(detail?.message).toMatch(message);
  return error;
}
