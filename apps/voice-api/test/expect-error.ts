import type { ErrorBody } from '@voice/contracts/errors';
import type { Response } from 'supertest';

/** Asserts the one error shape, carrying the request id of the response header. */
export function expectError(res: Response, status: number, code: ErrorBody['error']['code'], message?: string | RegExp) {
  expect({ status: res.status, body: res.body as unknown }).toEqual({ status, body: expect.objectContaining({ error: expect.objectContaining({ code }) }) });
  const error = (res.body as ErrorBody).error;
  expect(error.requestId).toBe(res.headers['x-request-id']);
  if (typeof message === 'string') expect(error.message).toBe(message);
  else if (message) expect(error.message).toMatch(message);
  return error;
}
