// The benchmark's data set, seeded straight into PostgreSQL: shared by run.mjs and compare.mjs.
import { randomUUID } from 'node:crypto';

export const CONVERSATIONS = 10_000;
export const MESSAGES = 100_000;
export const DETAIL_MESSAGES = 50; // the conversation measured by GET /v1/conversations/:id

/**
 * Seeds server-side with generate_series (one INSERT … SELECT per table, in one transaction) for the
 * given user; returns the id of the conversation with DETAIL_MESSAGES messages.
 */
export async function seed(db, userId) {
  const detailId = randomUUID();
  const others = CONVERSATIONS - 1;
  const rest = MESSAGES - DETAIL_MESSAGES; // shared by the other conversations, as evenly as possible
  const [perConversation, extra] = [Math.floor(rest / others), rest % others];
  await db.query('BEGIN');
  await db.query('SELECT setseed(0.42)');
  await db.query(
    `INSERT INTO conversations (id, user_id, external_party, channel, agent, title, status, started_at, ended_at, last_message_at, message_count)
     SELECT id, $1::uuid, NULL, (ARRAY['web','phone','whatsapp'])[1 + i % 3], (ARRAY['receptionist','scheduler','billing'])[1 + i % 3],
            'Conversation ' || i, 'ended', started_at, started_at + n * interval '16 seconds', started_at + n * interval '15 seconds', n
     FROM (SELECT i,
                  CASE WHEN i = 0 THEN $2::uuid ELSE gen_random_uuid() END AS id,
                  CASE WHEN i = 0 THEN $3::int ELSE $4::int + (CASE WHEN i <= $5::int THEN 1 ELSE 0 END) END AS n,
                  (now() AT TIME ZONE 'UTC') - random() * interval '90 days' AS started_at
           FROM generate_series(0, $6::int) AS i) AS c`,
    [userId, detailId, DETAIL_MESSAGES, perConversation, extra, others],
  );
  await db.query(
    `INSERT INTO messages (id, conversation_id, seq, role, agent, text, interrupted, end_of_utterance_ms, stt_ms,
                           llm_first_token_ms, tts_first_byte_ms, voice_to_voice_ms, created_at)
     SELECT gen_random_uuid(), c.id, s.seq, CASE WHEN agent_turn THEN 'agent' ELSE 'user' END,
            CASE WHEN agent_turn THEN c.agent END,
            (ARRAY['Hello, I would like to book an appointment next week, preferably on Tuesday morning.',
                   'Of course. Dr. Smith has openings on Tuesday at 9:00 and 10:30; which one suits you better?',
                   'Could you tell me how much I still owe from my last visit, please?',
                   'Your balance is 45 dollars. Would you like me to send a payment link to your phone?'])[1 + s.seq % 4],
            s.seq % 17 = 0,
            CASE WHEN agent_turn THEN 150 + (random() * 200)::int END, CASE WHEN agent_turn THEN 100 + (random() * 150)::int END,
            CASE WHEN agent_turn THEN 250 + (random() * 400)::int END, CASE WHEN agent_turn THEN 80 + (random() * 120)::int END,
            CASE WHEN agent_turn THEN 700 + (random() * 800)::int END,
            c.started_at + s.seq * interval '15 seconds'
     FROM conversations c
     CROSS JOIN LATERAL generate_series(1, c.message_count) AS s(seq)
     CROSS JOIN LATERAL (SELECT s.seq % 2 = 0 AS agent_turn) AS t`,
  );
  const { rows } = await db.query(
    `SELECT (SELECT count(*) FROM conversations)::int AS conversations, (SELECT count(*) FROM messages)::int AS messages,
            (SELECT sum(message_count) FROM conversations)::int AS counted`,
  );
  const counts = rows[0];
  if (counts.conversations !== CONVERSATIONS || counts.messages !== MESSAGES || counts.counted !== MESSAGES) {
    throw new Error(`seeding produced ${JSON.stringify(counts)}`);
  }
  await db.query('COMMIT');
  return detailId;
}
