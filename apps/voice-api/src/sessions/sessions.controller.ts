import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { IdParams } from '@voice/contracts/persistence';
import { CreateSessionRequest, CreateSessionResponse, Session } from '@voice/contracts/voice';
import { ApiContract, body, params, type Valid } from '@voice/server-kit';
import type { FastifyRequest } from 'fastify';
import { CurrentUser } from '../auth/current-user.decorator';
import { UserAuth } from '../auth/user-auth.guard';
import type { AuthUser } from '../auth/user-token-verifier';
import { InjectConfig, type VoiceApiConfig } from '../config';
import { SessionsService, toSession } from './sessions.service';
import { websocketBase } from './websocket-url';

@ApiTags('sessions')
@Controller('v1/sessions')
@UserAuth()
export class SessionsController {
  constructor(
    private readonly sessions: SessionsService,
    @InjectConfig() private readonly config: VoiceApiConfig,
  ) {}

  /** Starts a voice session; the answer carries how to connect (given only here). 429 beyond the per-user cap, 503 when a dependency is down. */
  @ApiContract({ body: CreateSessionRequest, response: CreateSessionResponse, status: 201 })
  @Post()
  create(
    @CurrentUser() user: AuthUser,
    @Body(body(CreateSessionRequest)) input: Valid<typeof CreateSessionRequest>,
    @Req() request: FastifyRequest,
  ): Promise<CreateSessionResponse> {
    return this.sessions.create(user, input, websocketBase(this.config.PUBLIC_URL, request));
  }

  @ApiContract({ response: Session })
  @Get(':id')
  async get(@CurrentUser() user: AuthUser, @Param(params(IdParams)) { id }: Valid<typeof IdParams>): Promise<Session> {
    return toSession(await this.sessions.getOwn(user.userId, id));
  }

  /** Ends the session (idempotent) and answers with it, now ended. */
  @ApiContract({ response: Session })
  @Delete(':id')
  @HttpCode(200)
  async end(@CurrentUser() user: AuthUser, @Param(params(IdParams)) { id }: Valid<typeof IdParams>): Promise<Session> {
    return toSession(await this.sessions.endOwn(user.userId, id));
  }
}
