import { Body, Controller, Get, Param, Patch, Post, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CreateCallRequest, IdParams, UpdateCallRequest, Call } from '@voice/contracts/persistence';
import { ApiContract, body, params, type Valid } from '@voice/server-kit';
import type { FastifyReply } from 'fastify';
import { Access } from '../auth/access.guard';
import { CallsService, toCall } from './calls.service';

/** Telephony call records, written by the channel services. */
@ApiTags('calls')
@Controller('v1/calls')
@Access({ scope: 'conversations:write' })
export class CallsController {
  constructor(private readonly calls: CallsService) {}

  @ApiContract({ body: CreateCallRequest, response: Call, status: 201 })
  @Post()
  async create(@Body(body(CreateCallRequest)) input: Valid<typeof CreateCallRequest>, @Res({ passthrough: true }) reply: FastifyReply): Promise<Call> {
    const { call, created } = await this.calls.create(input);
    void reply.status(created ? 201 : 200);
    return toCall(call);
  }

  @ApiContract({ response: Call })
  @Get(':id')
  async get(@Param(params(IdParams)) { id }: Valid<typeof IdParams>): Promise<Call> {
    return toCall(await this.calls.get(id));
  }

  @ApiContract({ body: UpdateCallRequest, response: Call })
  @Patch(':id')
  async update(@Param(params(IdParams)) { id }: Valid<typeof IdParams>, @Body(body(UpdateCallRequest)) patch: Valid<typeof UpdateCallRequest>): Promise<Call> {
    return toCall(await this.calls.update(id, patch));
  }
}
