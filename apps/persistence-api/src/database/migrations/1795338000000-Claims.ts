import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Insurance claims per patient, for the billing agent. PostgreSQL statements and their SQLite equivalents. */
export class Claims1795338000000 implements MigrationInterface {
  name = 'Claims1795338000000';

  async up(q: QueryRunner): Promise<void> {
    const statements = q.connection.options.type === 'postgres' ? POSTGRES_UP : SQLITE_UP;
    for (const sql of statements) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "claims"`);
  }
}

const POSTGRES_UP = [
  `CREATE TABLE "claims" ("id" uuid NOT NULL, "patient_id" uuid NOT NULL, "reference" character varying(32) NOT NULL, "status" character varying(16) NOT NULL, "amount_cents" integer NOT NULL, "submitted_at" TIMESTAMP NOT NULL, "updated_at" TIMESTAMP NOT NULL, CONSTRAINT "PK_96c91970c0dcb2f69fdccd0a698" PRIMARY KEY ("id"))`,
  `CREATE UNIQUE INDEX "UQ_claims_reference" ON "claims" ("reference")`,
  `CREATE INDEX "IDX_claims_patient_submitted" ON "claims" ("patient_id", "submitted_at")`,
  `ALTER TABLE "claims" ADD CONSTRAINT "FK_claims_patient" FOREIGN KEY ("patient_id") REFERENCES "patients"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
];

const SQLITE_UP = [
  `CREATE TABLE "claims" ("id" varchar PRIMARY KEY NOT NULL, "patient_id" varchar NOT NULL, "reference" varchar(32) NOT NULL, "status" varchar(16) NOT NULL, "amount_cents" integer NOT NULL, "submitted_at" datetime NOT NULL, "updated_at" datetime NOT NULL, CONSTRAINT "FK_claims_patient" FOREIGN KEY ("patient_id") REFERENCES "patients" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
  `CREATE UNIQUE INDEX "UQ_claims_reference" ON "claims" ("reference")`,
  `CREATE INDEX "IDX_claims_patient_submitted" ON "claims" ("patient_id", "submitted_at")`,
];
