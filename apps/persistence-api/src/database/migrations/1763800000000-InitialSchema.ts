import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One migration history for both databases: each migration carries the PostgreSQL statements
 * (what TypeORM generates from the entities) and their SQLite equivalents.
 */
export class InitialSchema1763800000000 implements MigrationInterface {
  name = 'InitialSchema1763800000000';

  async up(q: QueryRunner): Promise<void> {
    const statements = q.connection.options.type === 'postgres' ? POSTGRES_UP : SQLITE_UP;
    for (const sql of statements) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of TABLES_IN_DROP_ORDER) await q.query(`DROP TABLE "${table}"`);
  }
}

const TABLES_IN_DROP_ORDER = [
  'messages',
  'calls',
  'conversations',
  'appointments',
  'shifts',
  'patients',
  'doctors',
  'refresh_tokens',
  'service_clients',
  'users',
];

const POSTGRES_UP = [
  `CREATE TABLE "users" ("id" uuid NOT NULL, "email" character varying(254) NOT NULL, "password_hash" character varying(255) NOT NULL, "display_name" character varying(100), "language" character varying(16) NOT NULL DEFAULT 'en-US', "timezone" character varying(64) NOT NULL DEFAULT 'UTC', "phone" character varying(16), "preferred_voice" character varying(64), "created_at" TIMESTAMP NOT NULL, "updated_at" TIMESTAMP NOT NULL, CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433" PRIMARY KEY ("id"))`,
  `CREATE UNIQUE INDEX "UQ_users_email" ON "users" ("email")`,
  `CREATE TABLE "refresh_tokens" ("id" uuid NOT NULL, "user_id" uuid NOT NULL, "family_id" uuid NOT NULL, "token_hash" character varying(64) NOT NULL, "expires_at" TIMESTAMP NOT NULL, "used_at" TIMESTAMP, "revoked_at" TIMESTAMP, "created_at" TIMESTAMP NOT NULL, CONSTRAINT "PK_7d8bee0204106019488c4c50ffa" PRIMARY KEY ("id"))`,
  `CREATE INDEX "IDX_refresh_tokens_user" ON "refresh_tokens" ("user_id")`,
  `CREATE INDEX "IDX_refresh_tokens_family" ON "refresh_tokens" ("family_id")`,
  `CREATE UNIQUE INDEX "UQ_refresh_tokens_hash" ON "refresh_tokens" ("token_hash")`,
  `CREATE TABLE "service_clients" ("client_id" character varying(64) NOT NULL, "secret_hash" character varying(255) NOT NULL, "scopes" character varying(500) NOT NULL, "created_at" TIMESTAMP NOT NULL, CONSTRAINT "PK_fe4a3de82da94b4759c743896c0" PRIMARY KEY ("client_id"))`,
  `CREATE TABLE "conversations" ("id" uuid NOT NULL, "user_id" uuid, "external_party" character varying(64), "channel" character varying(16) NOT NULL, "agent" character varying(40) NOT NULL, "title" character varying(200), "status" character varying(16) NOT NULL DEFAULT 'active', "started_at" TIMESTAMP NOT NULL, "ended_at" TIMESTAMP, "last_message_at" TIMESTAMP, "message_count" integer NOT NULL DEFAULT '0', CONSTRAINT "PK_ee34f4f7ced4ec8681f26bf04ef" PRIMARY KEY ("id"))`,
  `CREATE INDEX "IDX_conversations_party_started" ON "conversations" ("external_party", "started_at")`,
  `CREATE INDEX "IDX_conversations_user_started" ON "conversations" ("user_id", "started_at", "id")`,
  `CREATE TABLE "calls" ("id" uuid NOT NULL, "conversation_id" uuid, "provider" character varying(32) NOT NULL, "provider_call_id" character varying(128) NOT NULL, "direction" character varying(16) NOT NULL, "from_party" character varying(64) NOT NULL, "to_party" character varying(64) NOT NULL, "status" character varying(16) NOT NULL DEFAULT 'in-progress', "started_at" TIMESTAMP NOT NULL, "ended_at" TIMESTAMP, "duration_sec" integer, "recording_url" character varying(2048), CONSTRAINT "PK_d9171d91f8dd1a649659f1b6a20" PRIMARY KEY ("id"))`,
  `CREATE INDEX "IDX_calls_conversation" ON "calls" ("conversation_id")`,
  `CREATE UNIQUE INDEX "UQ_calls_provider_call" ON "calls" ("provider", "provider_call_id")`,
  `CREATE TABLE "doctors" ("id" uuid NOT NULL, "name" character varying(100) NOT NULL, "specialty" character varying(100) NOT NULL, CONSTRAINT "PK_8207e7889b50ee3695c2b8154ff" PRIMARY KEY ("id"))`,
  `CREATE TABLE "patients" ("id" uuid NOT NULL, "name" character varying(100) NOT NULL, "phone" character varying(16), "user_id" uuid, "balance_cents" integer NOT NULL DEFAULT '0', CONSTRAINT "PK_a7f0b9fcbb3469d5ec0b0aceaa7" PRIMARY KEY ("id"))`,
  `CREATE UNIQUE INDEX "UQ_patients_phone" ON "patients" ("phone")`,
  `CREATE UNIQUE INDEX "UQ_patients_user" ON "patients" ("user_id")`,
  `CREATE TABLE "appointments" ("id" uuid NOT NULL, "doctor_id" uuid NOT NULL, "patient_id" uuid NOT NULL, "starts_at" TIMESTAMP NOT NULL, "ends_at" TIMESTAMP NOT NULL, "status" character varying(16) NOT NULL DEFAULT 'booked', "reason" character varying(500), "created_at" TIMESTAMP NOT NULL, CONSTRAINT "PK_4a437a9a27e948726b8bb3e36ad" PRIMARY KEY ("id"))`,
  `CREATE INDEX "IDX_appointments_patient" ON "appointments" ("patient_id", "starts_at")`,
  `CREATE UNIQUE INDEX "UQ_appointments_doctor_slot" ON "appointments" ("doctor_id", "starts_at") WHERE status = 'booked'`,
  `CREATE TABLE "shifts" ("id" uuid NOT NULL, "doctor_id" uuid NOT NULL, "starts_at" TIMESTAMP NOT NULL, "ends_at" TIMESTAMP NOT NULL, CONSTRAINT "PK_84d692e367e4d6cdf045828768c" PRIMARY KEY ("id"))`,
  `CREATE INDEX "IDX_shifts_doctor_starts" ON "shifts" ("doctor_id", "starts_at")`,
  `CREATE TABLE "messages" ("id" uuid NOT NULL, "conversation_id" uuid NOT NULL, "seq" integer NOT NULL, "role" character varying(16) NOT NULL, "agent" character varying(40), "text" text NOT NULL, "interrupted" boolean NOT NULL DEFAULT false, "end_of_utterance_ms" integer, "stt_ms" integer, "llm_first_token_ms" integer, "tts_first_byte_ms" integer, "voice_to_voice_ms" integer, "created_at" TIMESTAMP NOT NULL, CONSTRAINT "PK_18325f38ae6de43878487eff986" PRIMARY KEY ("id"))`,
  `CREATE UNIQUE INDEX "UQ_messages_conversation_seq" ON "messages" ("conversation_id", "seq")`,
  `ALTER TABLE "refresh_tokens" ADD CONSTRAINT "FK_refresh_tokens_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
  `ALTER TABLE "conversations" ADD CONSTRAINT "FK_conversations_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
  `ALTER TABLE "calls" ADD CONSTRAINT "FK_calls_conversation" FOREIGN KEY ("conversation_id") REFERENCES "conversations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
  `ALTER TABLE "patients" ADD CONSTRAINT "FK_patients_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
  `ALTER TABLE "appointments" ADD CONSTRAINT "FK_appointments_doctor" FOREIGN KEY ("doctor_id") REFERENCES "doctors"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
  `ALTER TABLE "appointments" ADD CONSTRAINT "FK_appointments_patient" FOREIGN KEY ("patient_id") REFERENCES "patients"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
  `ALTER TABLE "shifts" ADD CONSTRAINT "FK_shifts_doctor" FOREIGN KEY ("doctor_id") REFERENCES "doctors"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
  `ALTER TABLE "messages" ADD CONSTRAINT "FK_messages_conversation" FOREIGN KEY ("conversation_id") REFERENCES "conversations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
];

const fk = (name: string, column: string, table: string) =>
  `CONSTRAINT "${name}" FOREIGN KEY ("${column}") REFERENCES "${table}" ("id") ON DELETE CASCADE ON UPDATE NO ACTION`;

const SQLITE_UP = [
  `CREATE TABLE "users" ("id" varchar PRIMARY KEY NOT NULL, "email" varchar(254) NOT NULL, "password_hash" varchar(255) NOT NULL, "display_name" varchar(100), "language" varchar(16) NOT NULL DEFAULT ('en-US'), "timezone" varchar(64) NOT NULL DEFAULT ('UTC'), "phone" varchar(16), "preferred_voice" varchar(64), "created_at" datetime NOT NULL, "updated_at" datetime NOT NULL)`,
  `CREATE UNIQUE INDEX "UQ_users_email" ON "users" ("email")`,
  `CREATE TABLE "refresh_tokens" ("id" varchar PRIMARY KEY NOT NULL, "user_id" varchar NOT NULL, "family_id" varchar NOT NULL, "token_hash" varchar(64) NOT NULL, "expires_at" datetime NOT NULL, "used_at" datetime, "revoked_at" datetime, "created_at" datetime NOT NULL, ${fk('FK_refresh_tokens_user', 'user_id', 'users')})`,
  `CREATE INDEX "IDX_refresh_tokens_user" ON "refresh_tokens" ("user_id")`,
  `CREATE INDEX "IDX_refresh_tokens_family" ON "refresh_tokens" ("family_id")`,
  `CREATE UNIQUE INDEX "UQ_refresh_tokens_hash" ON "refresh_tokens" ("token_hash")`,
  `CREATE TABLE "service_clients" ("client_id" varchar(64) PRIMARY KEY NOT NULL, "secret_hash" varchar(255) NOT NULL, "scopes" varchar(500) NOT NULL, "created_at" datetime NOT NULL)`,
  `CREATE TABLE "conversations" ("id" varchar PRIMARY KEY NOT NULL, "user_id" varchar, "external_party" varchar(64), "channel" varchar(16) NOT NULL, "agent" varchar(40) NOT NULL, "title" varchar(200), "status" varchar(16) NOT NULL DEFAULT ('active'), "started_at" datetime NOT NULL, "ended_at" datetime, "last_message_at" datetime, "message_count" integer NOT NULL DEFAULT (0), ${fk('FK_conversations_user', 'user_id', 'users')})`,
  `CREATE INDEX "IDX_conversations_party_started" ON "conversations" ("external_party", "started_at")`,
  `CREATE INDEX "IDX_conversations_user_started" ON "conversations" ("user_id", "started_at", "id")`,
  `CREATE TABLE "calls" ("id" varchar PRIMARY KEY NOT NULL, "conversation_id" varchar, "provider" varchar(32) NOT NULL, "provider_call_id" varchar(128) NOT NULL, "direction" varchar(16) NOT NULL, "from_party" varchar(64) NOT NULL, "to_party" varchar(64) NOT NULL, "status" varchar(16) NOT NULL DEFAULT ('in-progress'), "started_at" datetime NOT NULL, "ended_at" datetime, "duration_sec" integer, "recording_url" varchar(2048), ${fk('FK_calls_conversation', 'conversation_id', 'conversations')})`,
  `CREATE INDEX "IDX_calls_conversation" ON "calls" ("conversation_id")`,
  `CREATE UNIQUE INDEX "UQ_calls_provider_call" ON "calls" ("provider", "provider_call_id")`,
  `CREATE TABLE "doctors" ("id" varchar PRIMARY KEY NOT NULL, "name" varchar(100) NOT NULL, "specialty" varchar(100) NOT NULL)`,
  `CREATE TABLE "patients" ("id" varchar PRIMARY KEY NOT NULL, "name" varchar(100) NOT NULL, "phone" varchar(16), "user_id" varchar, "balance_cents" integer NOT NULL DEFAULT (0), ${fk('FK_patients_user', 'user_id', 'users')})`,
  `CREATE UNIQUE INDEX "UQ_patients_phone" ON "patients" ("phone")`,
  `CREATE UNIQUE INDEX "UQ_patients_user" ON "patients" ("user_id")`,
  `CREATE TABLE "appointments" ("id" varchar PRIMARY KEY NOT NULL, "doctor_id" varchar NOT NULL, "patient_id" varchar NOT NULL, "starts_at" datetime NOT NULL, "ends_at" datetime NOT NULL, "status" varchar(16) NOT NULL DEFAULT ('booked'), "reason" varchar(500), "created_at" datetime NOT NULL, ${fk('FK_appointments_doctor', 'doctor_id', 'doctors')}, ${fk('FK_appointments_patient', 'patient_id', 'patients')})`,
  `CREATE INDEX "IDX_appointments_patient" ON "appointments" ("patient_id", "starts_at")`,
  `CREATE UNIQUE INDEX "UQ_appointments_doctor_slot" ON "appointments" ("doctor_id", "starts_at") WHERE status = 'booked'`,
  `CREATE TABLE "shifts" ("id" varchar PRIMARY KEY NOT NULL, "doctor_id" varchar NOT NULL, "starts_at" datetime NOT NULL, "ends_at" datetime NOT NULL, ${fk('FK_shifts_doctor', 'doctor_id', 'doctors')})`,
  `CREATE INDEX "IDX_shifts_doctor_starts" ON "shifts" ("doctor_id", "starts_at")`,
  `CREATE TABLE "messages" ("id" varchar PRIMARY KEY NOT NULL, "conversation_id" varchar NOT NULL, "seq" integer NOT NULL, "role" varchar(16) NOT NULL, "agent" varchar(40), "text" text NOT NULL, "interrupted" boolean NOT NULL DEFAULT (0), "end_of_utterance_ms" integer, "stt_ms" integer, "llm_first_token_ms" integer, "tts_first_byte_ms" integer, "voice_to_voice_ms" integer, "created_at" datetime NOT NULL, ${fk('FK_messages_conversation', 'conversation_id', 'conversations')})`,
  `CREATE UNIQUE INDEX "UQ_messages_conversation_seq" ON "messages" ("conversation_id", "seq")`,
];
