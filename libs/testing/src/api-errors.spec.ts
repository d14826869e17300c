import { expectError, expectValidation } from './api-errors';

const response = (status: number, error: Record<string, unknown>, requestId = 'req-1') => ({
  status,
  headers: { 'x-request-id': requestId },
  body: { error: { requestId: 'req-1', message: 'Something is wrong', ...error } },
});

describe('the API error assertion', () => {
  it('accepts the one error shape and returns the error', () => {
    const error = expectError(response(404, { code: 'not_found' }), 404, 'not_found', /wrong/);
    expect(error.code).toBe('not_found');
  });

  it('fails on another status, code, message or request id', () => {
    expect(() => expectError(response(500, { code: 'not_found' }), 404, 'not_found')).toThrow();
    expect(() => expectError(response(404, { code: 'internal_error' }), 404, 'not_found')).toThrow();
    expect(() => expectError(response(404, { code: 'not_found' }), 404, 'not_found', 'Another message')).toThrow();
    expect(() => expectError(response(404, { code: 'not_found' }, 'req-2'), 404, 'not_found')).toThrow();
  });

  it('finds the field a validation error names', () => {
    const res = response(400, { code: 'validation_failed', details: [{ path: 'body.email', message: 'Invalid email address' }] });
    expectValidation(res, 'body.email', /email/);
    expect(() => expectValidation(res, 'body.password')).toThrow();
  });
});
