import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module';
import { ConversationEntity } from '../conversations/entities/conversation.entity';
import { CallsController } from './calls.controller';
import { CallsService } from './calls.service';
import { CallEntity } from './entities/call.entity';

@Module({
  imports: [AuthModule, TypeOrmModule.forFeature([CallEntity, ConversationEntity])],
  controllers: [CallsController],
  providers: [CallsService],
})
export class CallsModule {}
