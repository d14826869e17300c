import { Body, Controller, Get, Param, Patch, Post, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CreateCallRequest, IdParams, UpdateCallRequest, type Call } from '@voice/contracts/persistence';
import { body, params, type Valid } from '@voice/server-kit';
import type { FastifyReply } from 'fastify';
import { Access } from '../auth/access.guard';
import { CallsService, toCall } from './calls.service';

/** Telephony call records, written by the channel services. */
@ApiTags('calls')
@Controller('v1/calls')
@Access({ scope: 'conversations:write' })
export class CallsController {
  constructor(private readonly calls: CallsService) {}

  @Post()
  async create(
    @Body(body(CreateCallRequest)) input: Valid<typeof CreateCallRequest>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Call> {
    const { call, created } = await this.calls.create(input);
    void reply.status(created ? 201 : 200);
    return toCall(call);
  }

  @Get(':id')
  async get(@Param(params(IdParams)) { id }: Valid<typeof IdParams>): Promise<Call> {
    return toCall(await this.calls.get(id));
  }

  @Patch(':id')
  async update(@Param(params(IdParams)) { id }: Valid<typeof IdParams>, @Body(body(UpdateCallRequest)) patch: Valid<typeof UpdateCallRequest>): Promise<Call> {
    return toCall(await this.calls.update(id, patch));
  }
}
