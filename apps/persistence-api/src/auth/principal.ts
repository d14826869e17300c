import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { ServiceScope } from '@voice/contracts/persistence';

export type Principal = { kind: 'user'; userId: string; email: string } | { kind: 'service'; clientId: string; scopes: ServiceScope[] };

/** The authenticated caller, set by the access guard. */
export const CurrentPrincipal = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): Principal => ctx.switchToHttp().getRequest<{ user: Principal }>().user,
);

/** The signed-in user's id; the route's access policy must admit users only. */
export const CurrentUserId = createParamDecorator((_: unknown, ctx: ExecutionContext): string => {
  const principal = ctx.switchToHttp().getRequest<{ user: Principal }>().user;
  if (principal.kind !== 'user') throw new Error('CurrentUserId used on a route open to service clients');
  return principal.userId;
});
