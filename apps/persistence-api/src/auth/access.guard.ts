import { applyDecorators, CanActivate, ExecutionContext, Injectable, SetMetadata, UseGuards } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiBearerAuth } from '@nestjs/swagger';
import { parseScopes, type ServiceScope } from '@voice/contracts/persistence';
import { ApiError } from '@voice/server-kit';
import type { FastifyRequest } from 'fastify';
import { AccessTokenVerifier } from './access-token-verifier';
import type { Principal } from './principal';
import { UsersService } from './users.service';

export interface AccessPolicy {
  /** Signed-in users may call the route (on their own data). */
  user?: boolean;
  /** Service clients holding this scope may call the route. */
  scope?: ServiceScope;
}

const ACCESS_POLICY = 'access-policy';
const BEARER = /^\s*bearer\s+(\S+)\s*$/i;

/** The token of an `Authorization: Bearer <token>` header, if that is what it holds. */
export const bearerToken = (authorization: string | undefined) => (authorization ? BEARER.exec(authorization)?.[1] : undefined);

/** Authenticates the bearer token, then checks the caller against the route's access policy. */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: AccessTokenVerifier,
    private readonly users: UsersService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest & { user?: Principal }>();
    const principal = await this.authenticate(request.headers.authorization);
    request.user = principal;
    const policy =
      this.reflector.get<AccessPolicy | undefined>(ACCESS_POLICY, context.getHandler()) ??
      this.reflector.get<AccessPolicy | undefined>(ACCESS_POLICY, context.getClass());
    if (principal.kind === 'user') {
      if (policy?.user) return true;
      throw ApiError.forbidden('This endpoint is for service clients, not user accounts');
    }
    if (policy?.scope && principal.scopes.includes(policy.scope)) return true;
    throw ApiError.forbidden(
      policy?.scope ? `This service token lacks the "${policy.scope}" scope` : 'This endpoint is for signed-in users, not service clients',
    );
  }

  private async authenticate(authorization: string | undefined): Promise<Principal> {
    const token = bearerToken(authorization);
    if (!token) throw ApiError.unauthorized('Missing access token: send "Authorization: Bearer <token>"');
    const claims = this.tokens.verify(token);
    if (claims.typ === 'service') return { kind: 'service', clientId: claims.sub, scopes: parseScopes(claims.scope) };
    // A deleted account's access token stays cryptographically valid until it expires; without this
    // check it could still write rows that point at the missing user (a foreign-key 500) or "delete" again.
    if (!(await this.users.exists(claims.sub))) throw ApiError.unauthorized('This account no longer exists: sign in again');
    return { kind: 'user', userId: claims.sub, email: claims.email };
  }
}

/** Declares who may call a route and applies the guard. */
export const Access = (policy: AccessPolicy) => applyDecorators(SetMetadata(ACCESS_POLICY, policy), UseGuards(AccessGuard), ApiBearerAuth());
