import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import {
  AppendMessageRequest,
  CreateConversationRequest,
  EndConversationRequest,
  IdParams,
  ListConversationsQuery,
  Conversation,
  ConversationDetail,
  ConversationPage,
  Message,
} from '@voice/contracts/persistence';
import { ApiContract, ApiError, body, params, query, type Valid } from '@voice/server-kit';
import type { FastifyReply } from 'fastify';
import { Access } from '../auth/access.guard';
import { CurrentPrincipal, CurrentUserId, type Principal } from '../auth/principal';
import { ConversationReads } from './conversation-reads';
import { toConversation, toMessage } from './conversation.mapper';
import { ConversationsService } from './conversations.service';

const WRITERS = { user: true, scope: 'conversations:write' } as const;

/** Agent and system lines come from voice-api (the service credential), never from a user's own token. */
const USER_ROLE_ONLY = 'A signed-in user may add only role "user" messages; agent and system messages are written by the voice service';

@ApiTags('conversations')
@Controller('v1/conversations')
export class ConversationsController {
  constructor(
    private readonly conversations: ConversationsService,
    private readonly reads: ConversationReads,
  ) {}

  @ApiContract({ body: CreateConversationRequest, response: Conversation, status: 201 })
  @Post()
  @Access(WRITERS)
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body(body(CreateConversationRequest)) input: Valid<typeof CreateConversationRequest>,
  ): Promise<Conversation> {
    return toConversation(await this.conversations.create(principal, input));
  }

  /** The caller's own conversations, newest first, one page at a time. */
  @ApiContract({ query: ListConversationsQuery, response: ConversationPage })
  @Get()
  @Access({ user: true })
  list(@CurrentUserId() userId: string, @Query(query(ListConversationsQuery)) q: Valid<typeof ListConversationsQuery>): Promise<ConversationPage> {
    return this.reads.page(userId, q);
  }

  @ApiContract({ response: ConversationDetail })
  @Get(':id')
  @Access(WRITERS)
  get(@CurrentPrincipal() principal: Principal, @Param(params(IdParams)) { id }: Valid<typeof IdParams>): Promise<ConversationDetail> {
    return this.reads.detail(principal, id);
  }

  /** 201 when stored, 200 when this message id was already stored (a retried write). */
  @ApiContract({ body: AppendMessageRequest, response: Message, status: 201 })
  @Post(':id/messages')
  @Access(WRITERS)
  async append(
    @CurrentPrincipal() principal: Principal,
    @Param(params(IdParams)) { id }: Valid<typeof IdParams>,
    @Body(body(AppendMessageRequest)) input: Valid<typeof AppendMessageRequest>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Message> {
    if (principal.kind === 'user' && input.role !== 'user') throw ApiError.forbidden(USER_ROLE_ONLY);
    const { message, created } = await this.conversations.append(principal, id, input);
    void reply.status(created ? 201 : 200);
    return toMessage(message);
  }

  @ApiContract({ body: EndConversationRequest, response: Conversation })
  @Post(':id/end')
  @HttpCode(200)
  @Access(WRITERS)
  async end(
    @CurrentPrincipal() principal: Principal,
    @Param(params(IdParams)) { id }: Valid<typeof IdParams>,
    @Body(body(EndConversationRequest)) input: Valid<typeof EndConversationRequest>,
  ): Promise<Conversation> {
    return toConversation(await this.conversations.end(principal, id, input));
  }

  @Delete(':id')
  @HttpCode(204)
  @Access({ user: true })
  async remove(@CurrentUserId() userId: string, @Param(params(IdParams)) { id }: Valid<typeof IdParams>) {
    await this.conversations.delete(userId, id);
  }
}
