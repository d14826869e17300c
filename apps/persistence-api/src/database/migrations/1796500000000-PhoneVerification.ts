import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Verified phone numbers and the SMS codes that verify them. Only adds tables (expand/contract: the
 * previous release never reads them). `verified_phones` is keyed by the number, so a number is
 * verified for at most one user; `phone_verifications` keeps each sent code's hash, expiry and wrong
 * tries, and its rows count the sends for the per-user and per-number limits.
 */
export class PhoneVerification1796500000000 implements MigrationInterface {
  name = 'PhoneVerification1796500000000';

  async up(q: QueryRunner): Promise<void> {
    const statements = q.connection.options.type === 'postgres' ? POSTGRES_UP : SQLITE_UP;
    for (const sql of statements) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "verified_phones"`);
    await q.query(`DROP TABLE "phone_verifications"`);
  }
}

const POSTGRES_UP = [
  `CREATE TABLE "phone_verifications" ("id" uuid NOT NULL, "user_id" uuid NOT NULL, "phone" character varying(16) NOT NULL, "code_hash" character varying(64) NOT NULL, "sent_at" TIMESTAMP NOT NULL, "expires_at" TIMESTAMP NOT NULL, "attempts" integer NOT NULL DEFAULT '0', "closed_at" TIMESTAMP, CONSTRAINT "PK_11ef2c1c5ed828b9636472db666" PRIMARY KEY ("id"))`,
  `CREATE INDEX "IDX_phone_verifications_phone_sent" ON "phone_verifications" ("phone", "sent_at")`,
  `CREATE INDEX "IDX_phone_verifications_user_sent" ON "phone_verifications" ("user_id", "sent_at")`,
  `ALTER TABLE "phone_verifications" ADD CONSTRAINT "FK_phone_verifications_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
  `CREATE TABLE "verified_phones" ("phone" character varying(16) NOT NULL, "user_id" uuid NOT NULL, "verified_at" TIMESTAMP NOT NULL, CONSTRAINT "PK_264ef7a8cc1308adcbc353bc291" PRIMARY KEY ("phone"))`,
  `CREATE UNIQUE INDEX "UQ_verified_phones_user" ON "verified_phones" ("user_id")`,
  `ALTER TABLE "verified_phones" ADD CONSTRAINT "FK_verified_phones_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
];

const fk = (name: string) => `CONSTRAINT "${name}" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION`;

const SQLITE_UP = [
  `CREATE TABLE "phone_verifications" ("id" varchar PRIMARY KEY NOT NULL, "user_id" varchar NOT NULL, "phone" varchar(16) NOT NULL, "code_hash" varchar(64) NOT NULL, "sent_at" datetime NOT NULL, "expires_at" datetime NOT NULL, "attempts" integer NOT NULL DEFAULT (0), "closed_at" datetime, ${fk('FK_phone_verifications_user')})`,
  `CREATE INDEX "IDX_phone_verifications_phone_sent" ON "phone_verifications" ("phone", "sent_at")`,
  `CREATE INDEX "IDX_phone_verifications_user_sent" ON "phone_verifications" ("user_id", "sent_at")`,
  `CREATE TABLE "verified_phones" ("phone" varchar(16) PRIMARY KEY NOT NULL, "user_id" varchar NOT NULL, "verified_at" datetime NOT NULL, ${fk('FK_verified_phones_user')})`,
  `CREATE UNIQUE INDEX "UQ_verified_phones_user" ON "verified_phones" ("user_id")`,
];
