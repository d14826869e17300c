import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { CLOCK, type Clock } from '../common/clock';
import { CONFIG, type VoiceApiConfig } from '../config';
import { OutboxModule } from '../outbox/outbox.module';
import { PersistenceModule } from '../persistence/persistence.module';
import { LiveKitCheck } from './livekit-check';
import { LiveKitRooms } from './livekit-rooms';
import { SessionsController } from './sessions.controller';
import { LIVEKIT_ROOMS, SessionsService } from './sessions.service';
import { TicketService } from './ticket.service';

@Module({
  imports: [AuthModule, PersistenceModule, OutboxModule],
  controllers: [SessionsController],
  providers: [
    SessionsService,
    LiveKitCheck,
    {
      provide: TicketService,
      inject: [CLOCK, CONFIG],
      useFactory: (clock: Clock, config: VoiceApiConfig) => new TicketService(clock, config.TICKET_TTL_SECONDS),
    },
    {
      provide: LIVEKIT_ROOMS,
      inject: [CONFIG],
      useFactory: (config: VoiceApiConfig) =>
        config.livekit ? new LiveKitRooms({ ...config.livekit, tokenTtlSeconds: config.LIVEKIT_TOKEN_TTL, agentName: config.LIVEKIT_AGENT_NAME }) : null,
    },
  ],
  exports: [SessionsService, TicketService, LIVEKIT_ROOMS],
})
export class SessionsModule {}
