import { Logger, Module, type FactoryProvider } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import Redis from 'ioredis';
import { CONFIG, type PersistenceApiConfig } from '../config';
import { AccessGuard } from './access.guard';
import { AccessTokenVerifier } from './access-token-verifier';
import { AccessTokensService } from './access-tokens.service';
import { AuthController } from './auth.controller';
import { RefreshTokenEntity } from './entities/refresh-token.entity';
import { ServiceClientEntity } from './entities/service-client.entity';
import { UserEntity } from './entities/user.entity';
import { LocalStrategy } from './local.strategy';
import { type FailureLog, MemoryFailureLog } from './failure-log';
import { FAILURE_LOG, LoginThrottleService } from './login-throttle.service';
import { RedisFailureLog } from './redis-failure-log';
import { RefreshTokensService } from './refresh-tokens.service';
import { ServiceClientsService } from './service-clients.service';
import { SigningKeysService } from './signing-keys.service';
import { UsersService } from './users.service';

/** Failed sign-ins are counted in Redis when REDIS_URL is set, so every instance throttles alike. */
const failureLog: FactoryProvider<FailureLog> = {
  provide: FAILURE_LOG,
  inject: [CONFIG],
  useFactory: ({ REDIS_URL }: PersistenceApiConfig) => {
    if (!REDIS_URL) return new MemoryFailureLog();
    const logger = new Logger('LoginThrottle');
    // A command waits at most 500 ms; the log then counts in this process and says so once.
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1, commandTimeout: 500 });
    redis.on('error', () => undefined);
    return new RedisFailureLog(redis, {
      began: (err) => logger.warn(`Redis is unreachable (${err.message}): failed sign-ins are counted per instance until it is back`),
      ended: () => logger.log('Redis is back: failed sign-ins are counted for every instance again'),
    });
  },
};

@Module({
  imports: [PassportModule, TypeOrmModule.forFeature([UserEntity, RefreshTokenEntity, ServiceClientEntity])],
  controllers: [AuthController],
  providers: [
    SigningKeysService,
    AccessTokensService,
    RefreshTokensService,
    ServiceClientsService,
    UsersService,
    failureLog,
    LoginThrottleService,
    LocalStrategy,
    AccessTokenVerifier,
    AccessGuard,
  ],
  exports: [UsersService, AccessGuard, AccessTokenVerifier],
})
export class AuthModule {}
