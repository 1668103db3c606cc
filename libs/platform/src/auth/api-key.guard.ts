// Authenticates every route except @Public() ones; enforces @Roles().
import { CanActivate, ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { FastifyRequest } from 'fastify';
import { UserRole } from '../users/user.entity';
import { ApiKeyService } from './api-key.service';
import { PUBLIC_ROUTE, REQUIRED_ROLE } from './auth.decorators';
import { AuthUser } from './auth-user';

@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeyService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    const request = context.switchToHttp().getRequest<FastifyRequest & { user?: AuthUser }>();
    const presented = extractApiKey(request);
    const isPublic = this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets);
    if (isPublic) {
      // a public route still knows its caller when a valid key is sent (per-key throttling, admin extras)
      if (presented) request.user = await this.keys.verify(presented);
      return true;
    }
    if (!presented) throw new UnauthorizedException('Authorization: send "Bearer <apiKey>" or X-API-Key');
    const user = await this.keys.verify(presented, request.raw.socket);
    if (!user) throw new UnauthorizedException('Authorization: unknown or revoked API key');
    request.user = user;
    const role = this.reflector.getAllAndOverride<UserRole | undefined>(REQUIRED_ROLE, targets);
    if (role === 'admin' && user.role !== 'admin') throw new ForbiddenException('this route needs an admin API key');
    return true;
  }
}

export function extractApiKey(request: { headers: Record<string, string | string[] | undefined> }): string | undefined {
  const header = request.headers['authorization'];
  if (typeof header === 'string' && header.toLowerCase().startsWith('bearer ')) return header.slice(7).trim() || undefined;
  const apiKey = request.headers['x-api-key'];
  return typeof apiKey === 'string' && apiKey ? apiKey : undefined;
}
