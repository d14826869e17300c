import { applyDecorators, Injectable, UseGuards, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import { ApiError } from '@voice/server-kit';
import type { FastifyRequest } from 'fastify';
import { UserTokenVerifier, type AuthUser } from './user-token-verifier';

export type AuthenticatedRequest = FastifyRequest & { user: AuthUser };

const BEARER = /^Bearer +([^ ]+) *$/i;

/** The token of an `Authorization: Bearer <token>` header, if that is what it holds. */
export const bearerToken = (authorization: string | undefined) => (authorization ? BEARER.exec(authorization)?.[1] : undefined);

/** Admits requests carrying a valid user access token and puts the user on the request. */
@Injectable()
export class UserAuthGuard implements CanActivate {
  constructor(private readonly verifier: UserTokenVerifier) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = bearerToken(request.headers.authorization);
    if (!token) throw ApiError.unauthorized('Missing access token: send "Authorization: Bearer <token>"');
    request.user = await this.verifier.verify(token);
    return true;
  }
}

/** Requires a signed-in user on a route or controller. */
export const UserAuth = () => applyDecorators(UseGuards(UserAuthGuard), ApiBearerAuth());
