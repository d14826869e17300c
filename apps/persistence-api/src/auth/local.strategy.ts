import { ExecutionContext, Injectable } from '@nestjs/common';
import { AuthGuard, PassportStrategy } from '@nestjs/passport';
import { LoginRequest } from '@voice/contracts/persistence';
import { ApiError, ZodPipe } from '@voice/server-kit';
import type { FastifyRequest } from 'fastify';
import { Strategy } from 'passport-local';
import { InjectConfig, type PersistenceApiConfig } from '../config';
import { clientAddress } from './client-address';
import type { UserEntity } from './entities/user.entity';
import { LoginThrottleService } from './login-throttle.service';
import { UsersService } from './users.service';

const loginBody = new ZodPipe(LoginRequest, 'body');

/** Email + password login (passport-local), throttled per account and per address. */
@Injectable()
export class LocalStrategy extends PassportStrategy(Strategy, 'local') {
  constructor(
    private readonly users: UsersService,
    private readonly throttle: LoginThrottleService,
    @InjectConfig() private readonly config: PersistenceApiConfig,
  ) {
    super({ usernameField: 'email', passwordField: 'password', passReqToCallback: true });
  }

  async validate(req: FastifyRequest, email: string, password: string): Promise<UserEntity> {
    const normalized = loginBody.transform({ email, password }).email;
    const attempt = await this.throttle.begin(normalized, clientAddress(req, this.config.WEB_CLIENT_SECRET));
    let user: UserEntity | null;
    try {
      user = await this.users.verifyCredentials(normalized, password);
    } catch (err) {
      await this.throttle.abandoned(attempt);
      throw err;
    }
    if (!user) {
      await this.throttle.failed(attempt);
      throw ApiError.unauthorized('Email or password is incorrect');
    }
    await this.throttle.succeeded(attempt);
    return user;
  }
}

/** Validates the body against the contract before passport sees it, so bad input is a 400, not a 401. */
@Injectable()
export class LocalAuthGuard extends AuthGuard('local') {
  override canActivate(context: ExecutionContext) {
    loginBody.transform(context.switchToHttp().getRequest<FastifyRequest>().body);
    return super.canActivate(context) as Promise<boolean>;
  }

  override handleRequest<T>(err: unknown, user: T): T {
    if (err) throw err;
    if (!user) throw ApiError.unauthorized('Email or password is incorrect');
    return user;
  }
}
