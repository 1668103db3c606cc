// Every error leaves as { statusCode, error, message }, whatever threw it (Nest, Fastify, a domain service).
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import { FastifyReply, FastifyRequest } from 'fastify';
import { isDatabaseUnavailable } from '../database/database-unavailable';
import { DomainError, DomainErrorKind } from './domain-errors';

const STATUS_BY_KIND: Record<DomainErrorKind, number> = {
  invalid: 400,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  limit_exceeded: 409,
  gone: 410,
  unprocessable: 422,
  not_ready: 409,
};

const DATABASE_UNAVAILABLE = 'database: unavailable for the moment; nothing was changed, retry shortly';
/** what a client is told to wait while the database is unreachable (a restart takes seconds) */
const DATABASE_RETRY_AFTER_SEC = 5;

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
}

@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpError');

  catch(exception: unknown, host: ArgumentsHost): void {
    // Telegram handlers and WebSocket events have their own error handling
    if (host.getType() !== 'http') throw exception;
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const body = this.toBody(exception);
    if (body.statusCode === HttpStatus.SERVICE_UNAVAILABLE && isDatabaseUnavailable(exception)) {
      this.logger.warn(`${request?.method} ${request?.url} answered 503: ${(exception as Error)?.message}`);
      void reply.header('Retry-After', String(DATABASE_RETRY_AFTER_SEC));
    } else if (body.statusCode >= 500) {
      this.logger.error({ err: exception, reqId: request?.id }, `unhandled error on ${request?.method} ${request?.url}`);
    }
    void reply.status(body.statusCode).send(body);
  }

  private toBody(exception: unknown): ErrorBody {
    if (exception instanceof DomainError) return body(STATUS_BY_KIND[exception.kind], exception.message);
    if (exception instanceof HttpException) {
      const response = exception.getResponse();
      const message = typeof response === 'string' ? response : (response as { message?: unknown }).message;
      return body(exception.getStatus(), Array.isArray(message) ? message.join('; ') : String(message ?? exception.message));
    }
    const fastifyStatus = (exception as { statusCode?: number })?.statusCode;
    if (typeof fastifyStatus === 'number' && fastifyStatus >= 400 && fastifyStatus < 500) {
      return body(fastifyStatus, fastifyMessage(exception as { code?: string; message: string }));
    }
    if (isDatabaseUnavailable(exception)) return body(HttpStatus.SERVICE_UNAVAILABLE, DATABASE_UNAVAILABLE);
    return body(HttpStatus.INTERNAL_SERVER_ERROR, 'Internal server error');
  }
}

function body(statusCode: number, message: string): ErrorBody {
  return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message };
}

function fastifyMessage(error: { code?: string; message: string }): string {
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return 'body: larger than the 1 MiB limit';
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return 'body: send application/json';
  if (error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return 'body: empty JSON body';
  return `body: ${error.message}`;
}
