import { PipeTransform } from '@nestjs/common';
import type { ErrorDetail } from '@voice/contracts/errors';
import type { z } from 'zod';
import { ApiError } from './api-error';

type Location = 'body' | 'query' | 'params';

export function zodDetails(error: z.ZodError, location: Location): ErrorDetail[] {
  return error.issues.map((issue) => {
    const path = [location, ...issue.path.map(String)].join('.');
    if (issue.code === 'unrecognized_keys') {
      return { path, message: `unknown field(s): ${issue.keys.join(', ')}` };
    }
    const missing = (issue.code === 'invalid_type' || issue.code === 'invalid_value') && 'input' in issue && issue.input === undefined;
    return { path, message: missing ? 'is required' : issue.message };
  });
}

/** Path of the first string holding U+0000, which PostgreSQL cannot store in text. */
function nulPath(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const found = nulPath(item, `${path}.${key}`);
      if (found) return found;
    }
  }
  return undefined;
}

/** Validates (and normalises) one part of the request against its contract schema. */
export class ZodPipe<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  constructor(
    private readonly schema: S,
    private readonly location: Location = 'body',
  ) {}

  transform(value: unknown): z.output<S> {
    const input = this.location === 'body' && value === undefined ? {} : value;
    const nul = nulPath(input, this.location);
    if (nul) {
      const message = 'must not contain NUL (U+0000) characters';
      throw new ApiError(400, 'validation_failed', `Invalid request: ${nul} ${message}`, [{ path: nul, message }]);
    }
    const result = this.schema.safeParse(input, { reportInput: true });
    if (result.success) return result.data;
    const details = zodDetails(result.error, this.location);
    const summary = details.map((d) => `${d.path} ${d.message}`).join('; ');
    throw new ApiError(400, 'validation_failed', `Invalid request: ${summary}`, details);
  }
}

export const body = <S extends z.ZodType>(schema: S) => new ZodPipe(schema, 'body');
export const query = <S extends z.ZodType>(schema: S) => new ZodPipe(schema, 'query');
export const params = <S extends z.ZodType>(schema: S) => new ZodPipe(schema, 'params');

/**
 * The validated type of a contract schema, for controller parameters. Annotating a parameter with
 * the contract's own name would make decorator metadata point at the zod schema object.
 */
export type Valid<S extends z.ZodType> = z.output<S>;
