// @nestjs/throttler with one bucket per IP and one per API key, global (not per route), and a plain
// Retry-After header (the library only sets Retry-After-<name> for named throttlers).
import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerException, ThrottlerGuard } from '@nestjs/throttler';
import type { ThrottlerLimitDetail } from '@nestjs/throttler/dist/throttler.guard.interface';
import { FastifyReply } from 'fastify';
import { throttleKey } from './throttle-buckets';

@Injectable()
export class ApiThrottlerGuard extends ThrottlerGuard {
  protected override generateKey(_context: ExecutionContext, tracker: string, throttlerName: string): string {
    return throttleKey(throttlerName, tracker);
  }

  protected override async throwThrottlingException(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const retryAfterSec = Math.max(1, Math.ceil(detail.timeToBlockExpire));
    void reply.header('Retry-After', String(retryAfterSec));
    throw new ThrottlerException(`rate limit: at most ${detail.limit} requests per ${Math.round(detail.ttl / 1000)} s; retry after ${retryAfterSec} s`);
  }
}
