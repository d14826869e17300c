import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccessGuard } from './access.guard';
import { AccessTokenVerifier } from './access-token-verifier';
import { AccessTokensService } from './access-tokens.service';
import { AuthController } from './auth.controller';
import { RefreshTokenEntity } from './entities/refresh-token.entity';
import { ServiceClientEntity } from './entities/service-client.entity';
import { UserEntity } from './entities/user.entity';
import { LocalStrategy } from './local.strategy';
import { LoginThrottleService } from './login-throttle.service';
import { RefreshTokensService } from './refresh-tokens.service';
import { ServiceClientsService } from './service-clients.service';
import { SigningKeysService } from './signing-keys.service';
import { UsersService } from './users.service';

@Module({
  imports: [
    PassportModule,
    JwtModule.register({}),
    TypeOrmModule.forFeature([UserEntity, RefreshTokenEntity, ServiceClientEntity]),
  ],
  controllers: [AuthController],
  providers: [
    SigningKeysService,
    AccessTokensService,
    RefreshTokensService,
    ServiceClientsService,
    UsersService,
    LoginThrottleService,
    LocalStrategy,
    AccessTokenVerifier,
    AccessGuard,
  ],
  exports: [UsersService, AccessGuard, AccessTokenVerifier],
})
export class AuthModule {}
