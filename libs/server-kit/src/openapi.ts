import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiQuery, ApiResponse } from '@nestjs/swagger';
import { z } from 'zod';

interface JsonSchema {
  properties?: Record<string, JsonSchema>;
  required?: string[];
  [keyword: string]: unknown;
}

// zod emits OpenAPI 3.0 schemas; @nestjs/swagger's SchemaObject type is narrower than the JSON it accepts.
type SwaggerSchema = NonNullable<Extract<Parameters<typeof ApiBody>[0], { schema?: unknown }>['schema']>;

const toSchema = (schema: z.ZodType, io: 'input' | 'output') => z.toJSONSchema(schema, { io, target: 'openapi-3.0', unrepresentable: 'any' }) as JsonSchema;

/**
 * Documents a route in the OpenAPI document from the same contract schemas that validate it:
 * the request body, each query parameter, and the success response.
 */
export function ApiContract(contract: { body?: z.ZodType; query?: z.ZodObject; response?: z.ZodType; status?: number }) {
  const decorators: MethodDecorator[] = [];
  if (contract.body) decorators.push(ApiBody({ schema: toSchema(contract.body, 'input') as SwaggerSchema }));
  if (contract.query) {
    const schema = toSchema(contract.query, 'input');
    const required = new Set(schema.required ?? []);
    for (const [name, property] of Object.entries(schema.properties ?? {})) {
      decorators.push(ApiQuery({ name, required: required.has(name), schema: property as SwaggerSchema }));
    }
  }
  if (contract.response) {
    decorators.push(ApiResponse({ status: contract.status ?? 200, schema: toSchema(contract.response, 'output') as SwaggerSchema }));
  }
  return applyDecorators(...decorators);
}
