import { ArgumentsHost, Catch, ExceptionFilter, HttpException } from '@nestjs/common';
import type { ErrorBody, ErrorCode } from '@voice/contracts/errors';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from './api-error';

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  503: 'service_unavailable',
};

interface Formatted {
  status: number;
  body: ErrorBody;
  headers: Record<string, string>;
}

/** Turns any thrown value into the one error shape; never leaks a stack trace or internal message. */
export function formatError(exception: unknown, requestId?: string): Formatted {
  let status = 500;
  let code: ErrorCode = 'internal_error';
  let message = 'Something went wrong on our side. Try again; if it keeps happening, contact support.';
  let details: ErrorBody['error']['details'];
  let headers: Record<string, string> = {};

  if (exception instanceof ApiError) {
    status = exception.getStatus();
    code = exception.code;
    message = exception.message;
    details = exception.details;
    headers = exception.headers;
  } else if (exception instanceof HttpException) {
    status = exception.getStatus();
    code = CODE_BY_STATUS[status] ?? (status < 500 ? 'bad_request' : 'internal_error');
    const response = exception.getResponse();
    const raw = typeof response === 'string' ? response : (response as { message?: unknown }).message;
    if (status < 500) message = Array.isArray(raw) ? raw.join('; ') : String(raw ?? exception.message);
    if (status === 404 && /^Cannot (GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)/.test(message)) {
      message = `No route ${message.replace(/^Cannot /, '')}`;
    }
  } else if (isFastifyError(exception) && exception.statusCode < 500) {
    status = exception.statusCode;
    code = CODE_BY_STATUS[status] ?? 'bad_request';
    message = fastifyMessage(exception);
  }
  return { status, body: { error: { code, message, ...(details ? { details } : {}), ...(requestId ? { requestId } : {}) } }, headers };
}

function isFastifyError(e: unknown): e is { statusCode: number; code?: string; message: string } {
  return typeof e === 'object' && e !== null && typeof (e as { statusCode?: unknown }).statusCode === 'number';
}

function fastifyMessage(e: { code?: string; message: string; statusCode: number }): string {
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'Request body is too large';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'Unsupported Content-Type: send application/json';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'Request body is empty but Content-Type is application/json';
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return 'Request body is not valid JSON';
    default:
      return e.statusCode === 400 && e.message.includes('JSON') ? 'Request body is not valid JSON' : e.message;
  }
}

/**
 * Lets an app turn errors it recognises (a database outage, say) into an ApiError before they are
 * answered; anything else is returned unchanged.
 */
export type ErrorTranslator = (exception: unknown) => unknown;

export function sendError(exception: unknown, request: FastifyRequest, reply: FastifyReply) {
  const { status, body, headers } = formatError(exception, String(request.id));
  if (exception instanceof ApiError && exception.logged) request.log.debug({ code: body.error.code, status }, body.error.message);
  else if (status >= 500) request.log.error({ err: exception }, 'request failed');
  else request.log.info({ code: body.error.code, status }, body.error.message);
  void reply.status(status).headers(headers).type('application/json; charset=utf-8').send(body);
}

@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  constructor(private readonly translate: ErrorTranslator = (e) => e) {}

  catch(exception: unknown, host: ArgumentsHost) {
    const ctx = host.switchToHttp();
    sendError(this.translate(exception), ctx.getRequest<FastifyRequest>(), ctx.getResponse<FastifyReply>());
  }
}
