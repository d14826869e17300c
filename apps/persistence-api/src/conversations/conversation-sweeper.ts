import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, Repository } from 'typeorm';
import { InjectConfig, type PersistenceApiConfig } from '../config';
import { ConversationEntity } from './entities/conversation.entity';

/** How often each instance sweeps. */
const SWEEP_EVERY_MS = 60_000;

/**
 * Ends conversations still active CONVERSATION_MAX_MINUTES after they started: whoever carried
 * them (a voice-api process that was killed, an instance that never came back) can no longer end
 * them, and voice-api caps every session below that. Each is ended at its last message (or its
 * start, when nothing was said), the last sign of the call. One UPDATE per sweep, conditional on
 * the row still being active, so any number of instances may sweep at once, on SQLite or PostgreSQL.
 */
@Injectable()
export class ConversationSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ConversationSweeper.name);
  private timer?: NodeJS.Timeout;

  constructor(
    @InjectRepository(ConversationEntity) private readonly conversations: Repository<ConversationEntity>,
    @InjectConfig() private readonly config: PersistenceApiConfig,
  ) {}

  onApplicationBootstrap() {
    this.timer = setInterval(
      () => void this.sweep(new Date()).catch((err: unknown) => this.logger.warn(`conversation sweep failed: ${(err as Error).message}`)),
      SWEEP_EVERY_MS,
    );
    this.timer.unref();
  }

  onApplicationShutdown() {
    clearInterval(this.timer);
  }

  /** Ends what is overdue at `now`; resolves with how many conversations it ended. */
  async sweep(now: Date): Promise<number> {
    const cutoff = new Date(now.getTime() - this.config.CONVERSATION_MAX_MINUTES * 60_000);
    const result = await this.conversations.update(
      { status: 'active', startedAt: LessThan(cutoff) },
      { status: 'ended', endedAt: () => 'COALESCE(last_message_at, started_at)' },
    );
    const ended = result.affected ?? 0;
    if (ended > 0) this.logger.warn(`ended ${ended} conversation(s) still active ${this.config.CONVERSATION_MAX_MINUTES} minutes after they started`);
    return ended;
  }
}
