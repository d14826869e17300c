import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Weekly shifts and time off, so that a doctor's schedule no longer runs out.
 *
 * Expand/contract: during a slot swap the previous release runs against this schema, so a release
 * only ADDS tables and nullable columns. It never drops, renames or retypes what the previous release
 * reads or writes; that happens in a later release, once no running code uses the old shape.
 *
 * Here `shifts` stays exactly as it was: the previous release keeps reading it, and this release
 * reads its rows as one-off shifts. Existing dated shifts are kept as one-off shifts rather than
 * turned into weekly rules: a shift on one date does not say whether it repeats, and a guessed rule
 * would offer slots nobody agreed to. Weekly rules come from the seed and the schedule API.
 */
export class WeeklyShifts1796400000000 implements MigrationInterface {
  name = 'WeeklyShifts1796400000000';

  async up(q: QueryRunner): Promise<void> {
    const statements = q.connection.options.type === 'postgres' ? POSTGRES_UP : SQLITE_UP;
    for (const sql of statements) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "time_off"`);
    await q.query(`DROP TABLE "weekly_shifts"`);
  }
}

const POSTGRES_UP = [
  `CREATE TABLE "weekly_shifts" ("id" uuid NOT NULL, "doctor_id" uuid NOT NULL, "weekday" integer NOT NULL, "start_time" character varying(5) NOT NULL, "end_time" character varying(5) NOT NULL, "valid_from" character varying(10), "valid_until" character varying(10), "created_at" TIMESTAMP NOT NULL, CONSTRAINT "PK_9db405d0a1277ae2554cc3ceba6" PRIMARY KEY ("id"))`,
  `CREATE INDEX "IDX_weekly_shifts_doctor_weekday" ON "weekly_shifts" ("doctor_id", "weekday")`,
  `ALTER TABLE "weekly_shifts" ADD CONSTRAINT "FK_weekly_shifts_doctor" FOREIGN KEY ("doctor_id") REFERENCES "doctors"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
  `CREATE TABLE "time_off" ("id" uuid NOT NULL, "doctor_id" uuid NOT NULL, "from_date" character varying(10) NOT NULL, "until_date" character varying(10) NOT NULL, "reason" character varying(200), "created_at" TIMESTAMP NOT NULL, CONSTRAINT "PK_e80a790cc96026d0f557a78f83d" PRIMARY KEY ("id"))`,
  `CREATE INDEX "IDX_time_off_doctor_until" ON "time_off" ("doctor_id", "until_date")`,
  `ALTER TABLE "time_off" ADD CONSTRAINT "FK_time_off_doctor" FOREIGN KEY ("doctor_id") REFERENCES "doctors"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
];

const fk = (name: string) => `CONSTRAINT "${name}" FOREIGN KEY ("doctor_id") REFERENCES "doctors" ("id") ON DELETE CASCADE ON UPDATE NO ACTION`;

const SQLITE_UP = [
  `CREATE TABLE "weekly_shifts" ("id" varchar PRIMARY KEY NOT NULL, "doctor_id" varchar NOT NULL, "weekday" integer NOT NULL, "start_time" varchar(5) NOT NULL, "end_time" varchar(5) NOT NULL, "valid_from" varchar(10), "valid_until" varchar(10), "created_at" datetime NOT NULL, ${fk('FK_weekly_shifts_doctor')})`,
  `CREATE INDEX "IDX_weekly_shifts_doctor_weekday" ON "weekly_shifts" ("doctor_id", "weekday")`,
  `CREATE TABLE "time_off" ("id" varchar PRIMARY KEY NOT NULL, "doctor_id" varchar NOT NULL, "from_date" varchar(10) NOT NULL, "until_date" varchar(10) NOT NULL, "reason" varchar(200), "created_at" datetime NOT NULL, ${fk('FK_time_off_doctor')})`,
  `CREATE INDEX "IDX_time_off_doctor_until" ON "time_off" ("doctor_id", "until_date")`,
];
