import { applyDecorators, ExecutionContext, Injectable, SetMetadata, UseGuards } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { ApiBearerAuth } from '@nestjs/swagger';
import type { ServiceScope } from '@voice/contracts/persistence';
import { ApiError } from '@voice/server-kit';
import type { Principal } from './principal';

export interface AccessPolicy {
  /** Signed-in users may call the route (on their own data). */
  user?: boolean;
  /** Service clients holding this scope may call the route. */
  scope?: ServiceScope;
}

const ACCESS_POLICY = 'access-policy';

/** Authenticates the bearer token, then checks the caller against the route's access policy. */
@Injectable()
export class AccessGuard extends AuthGuard('jwt') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    await super.canActivate(context);
    const policy = this.reflector.get<AccessPolicy>(ACCESS_POLICY, context.getHandler()) ??
      this.reflector.get<AccessPolicy>(ACCESS_POLICY, context.getClass());
    const principal = context.switchToHttp().getRequest<{ user: Principal }>().user;
    if (principal.kind === 'user') {
      if (policy?.user) return true;
      throw ApiError.forbidden('This endpoint is for service clients, not user accounts');
    }
    if (policy?.scope && principal.scopes.includes(policy.scope)) return true;
    throw ApiError.forbidden(
      policy?.scope
        ? `This service token lacks the "${policy.scope}" scope`
        : 'This endpoint is for signed-in users, not service clients',
    );
  }

  override handleRequest<T>(err: unknown, user: T, info: unknown): T {
    if (err) throw err;
    if (user) return user;
    const name = (info as { name?: string; message?: string } | undefined)?.name;
    const message = (info as { message?: string } | undefined)?.message ?? '';
    if (name === 'TokenExpiredError') throw ApiError.unauthorized('Access token has expired: refresh it and try again');
    if (/No auth token/i.test(message)) {
      throw ApiError.unauthorized('Missing access token: send "Authorization: Bearer <token>"');
    }
    throw ApiError.unauthorized('Access token is invalid: sign in again');
  }
}

/** Declares who may call a route and applies the guard. */
export const Access = (policy: AccessPolicy) =>
  applyDecorators(SetMetadata(ACCESS_POLICY, policy), UseGuards(AccessGuard), ApiBearerAuth());
