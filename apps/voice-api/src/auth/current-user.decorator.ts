import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AuthenticatedRequest } from './user-auth.guard';
import type { AuthUser } from './user-token-verifier';

/** The signed-in user, as set by UserAuthGuard; use only on routes under @UserAuth(). */
export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthUser => {
  const user = ctx.switchToHttp().getRequest<Partial<AuthenticatedRequest>>().user;
  if (!user) throw new Error('CurrentUser used on a route without @UserAuth()');
  return user;
});
