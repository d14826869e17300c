import { Module } from '@nestjs/common';
import { CallModule } from '../call/call.module';
import { SessionsModule } from '../sessions/sessions.module';
import { MediaGateway } from './media.gateway';

/** The WebSocket transport (/v1/media). */
@Module({
  imports: [CallModule, SessionsModule],
  providers: [MediaGateway],
})
export class MediaModule {}
