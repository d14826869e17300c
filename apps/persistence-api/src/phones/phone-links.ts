import { IsNull, type EntityManager } from 'typeorm';
import { ConversationEntity } from '../conversations/entities/conversation.entity';
import { VerifiedPhoneEntity } from './entities/verified-phone.entity';

/** The user who has verified this number, if any. */
export const verifiedOwner = (db: EntityManager, phone: string) => db.findOneBy(VerifiedPhoneEntity, { phone });

/**
 * Gives the user the conversations from this number that nobody owns yet (calls and threads from
 * before the number was verified). Conversations another user already owns stay theirs.
 */
export async function claimEarlierConversations(db: EntityManager, phone: string, userId: string): Promise<number> {
  const result = await db.update(ConversationEntity, { externalParty: phone, userId: IsNull() }, { userId });
  return result.affected ?? 0;
}
