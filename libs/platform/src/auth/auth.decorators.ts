import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { UserRole } from '../users/user.entity';
import { AuthUser } from './auth-user';

export const PUBLIC_ROUTE = 'tradepulse:public';
export const REQUIRED_ROLE = 'tradepulse:role';

/** No API key needed. */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/** Only callers with this role (403 otherwise). */
export const Roles = (role: UserRole) => SetMetadata(REQUIRED_ROLE, role);

export const CurrentUser = createParamDecorator((_: unknown, context: ExecutionContext): AuthUser => {
  return context.switchToHttp().getRequest<{ user: AuthUser }>().user;
});
