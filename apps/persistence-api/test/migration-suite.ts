import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { AppointmentEntity } from '../src/clinic/entities/appointment.entity';
import { DoctorEntity } from '../src/clinic/entities/doctor.entity';
import { PatientEntity } from '../src/clinic/entities/patient.entity';
import { ShiftEntity } from '../src/clinic/entities/shift.entity';
import { isUniqueViolation } from '../src/common/db-errors';
import { isPostgres } from '../src/database/data-source';
import { MIGRATIONS } from '../src/database/migrations';

/** Every table the entities map, spelled out so that adding an entity without a migration fails here. */
export const APP_TABLES = [
  'appointments',
  'calls',
  'claims',
  'conversations',
  'doctors',
  'messages',
  'patients',
  'phone_verifications',
  'refresh_tokens',
  'service_clients',
  'shifts',
  'time_off',
  'users',
  'verified_phones',
  'weekly_shifts',
];
const MIGRATIONS_TABLE = 'schema_migrations';

export interface FreshDatabase {
  /** An initialized data source on an empty database. */
  ds: DataSource;
  dispose(): Promise<void>;
}

export async function listTables(ds: DataSource): Promise<string[]> {
  const rows: { name: string }[] = isPostgres(ds)
    ? await ds.query(`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`)
    : await ds.query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`);
  return rows.map((r) => r.name).sort();
}

const executedMigrations = async (ds: DataSource): Promise<string[]> =>
  (await ds.query(`SELECT name FROM "${MIGRATIONS_TABLE}" ORDER BY id`)).map((r: { name: string }) => r.name);

/** What `typeorm migration:generate` would write: the statements that would bring the schema in line with the entities. */
export async function pendingSchemaChanges(ds: DataSource): Promise<string[]> {
  const log = await ds.driver.createSchemaBuilder().log();
  return log.upQueries.map((q) => q.query);
}

/** Reverts migrations one at a time, as `cli revert` does, until none is left. */
async function revertAll(ds: DataSource) {
  for (let i = 0; i <= MIGRATIONS.length; i++) {
    if ((await executedMigrations(ds)).length === 0) return;
    await ds.undoLastMigration({ transaction: 'each' });
  }
  throw new Error(`migrations still recorded after ${MIGRATIONS.length + 1} reverts: ${(await executedMigrations(ds)).join(', ')}`);
}

/** Reverts the newest migrations, one at a time, until `name` is reverted too. */
async function revertThrough(ds: DataSource, name: string) {
  while ((await executedMigrations(ds)).includes(name)) await ds.undoLastMigration({ transaction: 'each' });
}

/** The migration history checked on a fresh database: up, drift, all the way down, up again. */
export function migrationSuite(engine: string, open: () => Promise<FreshDatabase>) {
  describe(`migrations on a fresh ${engine} database`, () => {
    let db: FreshDatabase;
    beforeEach(async () => {
      db = await open();
    });
    afterEach(() => db.dispose());

    it('starts empty', async () => {
      expect(await listTables(db.ds)).toEqual([]);
    });

    it('creates exactly the tables the entities map and records every migration', async () => {
      const ran = await db.ds.runMigrations({ transaction: 'each' });
      expect(ran.map((m) => m.name)).toEqual(MIGRATIONS.map((M) => new M().name));
      expect(await listTables(db.ds)).toEqual([...APP_TABLES, MIGRATIONS_TABLE].sort());
      expect(db.ds.entityMetadatas.map((m) => m.tableName).sort()).toEqual(APP_TABLES);
      expect(await db.ds.runMigrations({ transaction: 'each' })).toEqual([]);
    });

    it('leaves nothing for migration:generate to write (entities and migrations agree)', async () => {
      await db.ds.runMigrations({ transaction: 'each' });
      // On failure Jest prints the statements the missing migration would need.
      expect(await pendingSchemaChanges(db.ds)).toEqual([]);
    });

    it('the drift check notices a schema that disagrees with the entities', async () => {
      await db.ds.runMigrations({ transaction: 'each' });
      await db.ds.query(`DROP INDEX "IDX_shifts_doctor_starts"`);
      expect(await pendingSchemaChanges(db.ds)).toEqual([expect.stringContaining('IDX_shifts_doctor_starts')]);
    });

    // TypeORM's schema diff ignores index predicates, so the drift check cannot see this index lose its WHERE.
    it('refuses a second booked appointment of a slot in the database itself, but not a cancelled one', async () => {
      await db.ds.runMigrations({ transaction: 'each' });
      const [doctor, otherDoctor, patient] = [randomUUID(), randomUUID(), randomUUID()];
      await db.ds.getRepository(DoctorEntity).insert([
        { id: doctor, name: 'Dr. A', specialty: 'x' },
        { id: otherDoctor, name: 'Dr. B', specialty: 'x' },
      ]);
      await db.ds.getRepository(PatientEntity).insert({ id: patient, name: 'P', phone: null, userId: null, balanceCents: 0 });
      const startsAt = new Date('2030-01-07T09:00:00Z');
      const appointment = (doctorId: string, status: string) => ({
        id: randomUUID(),
        doctorId,
        patientId: patient,
        startsAt,
        endsAt: new Date('2030-01-07T09:30:00Z'),
        status,
        reason: null,
        createdAt: new Date(),
      });
      const appointments = db.ds.getRepository(AppointmentEntity);
      const first = appointment(doctor, 'booked');
      await appointments.insert(first);

      const error = await appointments.insert(appointment(doctor, 'booked')).then(
        () => null,
        (err: unknown) => err,
      );
      expect(error).not.toBeNull();
      expect(isUniqueViolation(error)).toBe(true);

      await appointments.insert(appointment(doctor, 'cancelled'));
      await appointments.insert(appointment(doctor, 'cancelled'));
      await appointments.insert(appointment(otherDoctor, 'booked'));
      await appointments.update({ id: first.id }, { status: 'cancelled' });
      await appointments.insert(appointment(doctor, 'booked'));
      expect(await appointments.countBy({ doctorId: doctor, status: 'booked' })).toBe(1);
    });

    it('keeps the shifts written before weekly shifts existed, and reverts to that schema without touching them', async () => {
      await db.ds.runMigrations({ transaction: 'each' });
      await revertThrough(db.ds, 'WeeklyShifts1796400000000');
      expect(await listTables(db.ds)).not.toContain('weekly_shifts');
      // What the previous release wrote: a doctor and dated shifts, one of them across midnight.
      const doctorId = randomUUID();
      await db.ds.query(`INSERT INTO "doctors" ("id", "name", "specialty") VALUES ('${doctorId}', 'Dr. Before', 'x')`);
      const before = [
        { id: randomUUID(), doctorId, startsAt: new Date('2030-01-07T09:00:00Z'), endsAt: new Date('2030-01-07T17:00:00Z') },
        { id: randomUUID(), doctorId, startsAt: new Date('2030-01-08T22:00:00Z'), endsAt: new Date('2030-01-09T02:00:00Z') },
      ];
      await db.ds.getRepository(ShiftEntity).insert(before);

      await db.ds.runMigrations({ transaction: 'each' });
      const kept = await db.ds.getRepository(ShiftEntity).find({ where: { doctorId }, order: { startsAt: 'ASC' } });
      expect(kept.map((s) => ({ id: s.id, doctorId: s.doctorId, startsAt: s.startsAt, endsAt: s.endsAt }))).toEqual(before);
      expect(await listTables(db.ds)).toEqual(expect.arrayContaining(['time_off', 'weekly_shifts']));

      await revertThrough(db.ds, 'WeeklyShifts1796400000000');
      expect(await db.ds.getRepository(ShiftEntity).countBy({ doctorId })).toBe(2);
    });

    it('reverts every migration down to no app tables, then migrates up again', async () => {
      await db.ds.runMigrations({ transaction: 'each' });
      await revertAll(db.ds);
      expect(await listTables(db.ds)).toEqual([MIGRATIONS_TABLE]);
      expect(await executedMigrations(db.ds)).toEqual([]);

      const ran = await db.ds.runMigrations({ transaction: 'each' });
      expect(ran).toHaveLength(MIGRATIONS.length);
      expect(await listTables(db.ds)).toEqual([...APP_TABLES, MIGRATIONS_TABLE].sort());
      expect(await pendingSchemaChanges(db.ds)).toEqual([]);
    });
  });
}
