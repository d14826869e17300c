import { Body, Controller, Get, Header, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import {
  ClientCredentialsRequest,
  LoginRequest,
  RefreshRequest,
  RegisterRequest,
  ClientCredentialsResponse,
  JwksResponse,
  TokenResponse,
} from '@voice/contracts/persistence';
import { ApiContract, ApiError, body, type Valid } from '@voice/server-kit';
import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { InjectConfig, type PersistenceApiConfig } from '../config';
import { AccessTokensService } from './access-tokens.service';
import type { UserEntity } from './entities/user.entity';
import { LocalAuthGuard } from './local.strategy';
import { RefreshTokensService } from './refresh-tokens.service';
import { ServiceClientsService } from './service-clients.service';
import { SigningKeysService } from './signing-keys.service';
import { UsersService } from './users.service';

export const REFRESH_COOKIE = 'refresh_token';
const REFRESH_COOKIE_PATH = '/v1/auth';

@ApiTags('auth')
@Controller()
export class AuthController {
  constructor(
    private readonly users: UsersService,
    private readonly accessTokens: AccessTokensService,
    private readonly refreshTokens: RefreshTokensService,
    private readonly serviceClients: ServiceClientsService,
    private readonly keys: SigningKeysService,
    @InjectConfig() private readonly config: PersistenceApiConfig,
  ) {}

  @ApiContract({ body: RegisterRequest, response: TokenResponse, status: 201 })
  @Post('v1/auth/register')
  async register(@Body(body(RegisterRequest)) input: Valid<typeof RegisterRequest>, @Res({ passthrough: true }) reply: FastifyReply) {
    const user = await this.users.create(input);
    return this.session(user, await this.refreshTokens.issue(user.id), reply);
  }

  @ApiContract({ body: LoginRequest, response: TokenResponse })
  @Post('v1/auth/login')
  @HttpCode(200)
  @UseGuards(LocalAuthGuard)
  async login(@Req() req: FastifyRequest & { user: UserEntity }, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.session(req.user, await this.refreshTokens.issue(req.user.id), reply);
  }

  @ApiContract({ body: RefreshRequest, response: TokenResponse })
  @Post('v1/auth/refresh')
  @HttpCode(200)
  async refresh(@Body(body(RefreshRequest)) input: Valid<typeof RefreshRequest>, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const raw = input.refreshToken ?? req.cookies[REFRESH_COOKIE];
    if (!raw) throw ApiError.unauthorized('Missing refresh token: send it in the body or the refresh cookie');
    const { userId, refreshToken } = await this.refreshTokens.rotate(raw);
    return this.session(await this.users.get(userId), refreshToken, reply);
  }

  @ApiContract({ body: RefreshRequest })
  @Post('v1/auth/logout')
  @HttpCode(204)
  async logout(@Body(body(RefreshRequest)) input: Valid<typeof RefreshRequest>, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const raw = input.refreshToken ?? req.cookies[REFRESH_COOKIE];
    if (raw) await this.refreshTokens.revokeByToken(raw);
    void reply.clearCookie(REFRESH_COOKIE, this.cookieOptions());
  }

  /** OAuth 2.0 client-credentials grant for service clients. */
  @ApiContract({ body: ClientCredentialsRequest, response: ClientCredentialsResponse })
  @Post('v1/auth/token')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  token(@Body(body(ClientCredentialsRequest)) input: Valid<typeof ClientCredentialsRequest>): Promise<ClientCredentialsResponse> {
    return this.serviceClients.grant(input);
  }

  @ApiContract({ response: JwksResponse })
  @Get('.well-known/jwks.json')
  @Header('Cache-Control', 'public, max-age=300')
  jwks(): JwksResponse {
    return { keys: [this.keys.jwk] };
  }

  /** Clearing uses the same attributes as setting, so browsers treat it as the same cookie. */
  private cookieOptions() {
    return { httpOnly: true, secure: this.config.SESSION_COOKIE_SECURE, sameSite: 'strict' as const, path: REFRESH_COOKIE_PATH };
  }

  private async session(user: UserEntity, refreshToken: string, reply: FastifyReply): Promise<TokenResponse> {
    void reply.header('Cache-Control', 'no-store').setCookie(REFRESH_COOKIE, refreshToken, { ...this.cookieOptions(), maxAge: this.refreshTokens.ttlSeconds });
    return {
      tokenType: 'Bearer',
      accessToken: await this.accessTokens.forUser(user),
      expiresIn: this.accessTokens.ttlSeconds,
      refreshToken,
      refreshExpiresIn: this.refreshTokens.ttlSeconds,
      user: { id: user.id, email: user.email, displayName: user.displayName },
    };
  }
}
