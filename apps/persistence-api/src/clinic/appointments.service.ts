import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { AppointmentsQuery, BookAppointmentRequest, PatientsQuery } from '@voice/contracts/persistence';
import { ApiError } from '@voice/server-kit';
import { randomUUID } from 'node:crypto';
import { MoreThanOrEqual, Repository, type FindOptionsWhere } from 'typeorm';
import type { Principal } from '../auth/principal';
import { UserEntity } from '../auth/entities/user.entity';
import { isUniqueViolation } from '../common/db-errors';
import { AppointmentEntity } from './entities/appointment.entity';
import { PatientEntity } from './entities/patient.entity';
import { ScheduleService } from './schedule.service';

const slotTaken = () => ApiError.conflict('That slot has just been booked by someone else: pick another free slot');
const invalid = (path: string, message: string) => new ApiError(400, 'validation_failed', `Invalid request: ${path} ${message}`, [{ path, message }]);

@Injectable()
export class AppointmentsService {
  constructor(
    @InjectRepository(AppointmentEntity) private readonly appointments: Repository<AppointmentEntity>,
    @InjectRepository(PatientEntity) private readonly patients: Repository<PatientEntity>,
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly schedule: ScheduleService,
  ) {}

  findPatients(query: PatientsQuery) {
    if (!query.phone && !query.userId) throw invalid('query.phone', 'or query.userId is required');
    return this.patients.findBy({ ...(query.phone ? { phone: query.phone } : {}), ...(query.userId ? { userId: query.userId } : {}) });
  }

  async patient(id: string) {
    const patient = await this.patients.findOneBy({ id });
    if (!patient) throw ApiError.notFound('Patient');
    return patient;
  }

  /** A user's own patient record, created on first use. */
  async patientForUser(userId: string): Promise<PatientEntity> {
    const existing = await this.patients.findOneBy({ userId });
    if (existing) return existing;
    const user = await this.users.findOneByOrFail({ id: userId });
    const created = this.patients.create({
      id: randomUUID(),
      name: user.displayName ?? user.email.split('@')[0],
      phone: null,
      userId,
      balanceCents: 0,
    });
    try {
      await this.patients.insert(created);
      return created;
    } catch (err) {
      if (isUniqueViolation(err)) return this.patients.findOneByOrFail({ userId });
      throw err;
    }
  }

  private async resolvePatient(principal: Principal, input: BookAppointmentRequest): Promise<PatientEntity> {
    if (principal.kind === 'user') {
      const named = input.patientId ? 'body.patientId' : input.patient ? 'body.patient' : input.userId ? 'body.userId' : null;
      if (named) throw invalid(named, 'is for service clients; you book for yourself');
      return this.patientForUser(principal.userId);
    }
    if (input.userId) {
      // A service booking on behalf of a signed-in user: that user's own record, as if they booked.
      if (!(await this.users.existsBy({ id: input.userId }))) throw invalid('body.userId', 'names no user');
      return this.patientForUser(input.userId);
    }
    if (input.patientId) {
      const found = await this.patients.findOneBy({ id: input.patientId });
      if (!found) throw invalid('body.patientId', 'names no patient');
      return found;
    }
    if (!input.patient) throw invalid('body.patientId', 'or body.patient or body.userId is required');
    const byPhone = await this.patients.findOneBy({ phone: input.patient.phone });
    if (byPhone) return byPhone;
    const created = this.patients.create({ id: randomUUID(), ...input.patient, userId: null, balanceCents: 0 });
    try {
      await this.patients.insert(created);
      return created;
    } catch (err) {
      if (isUniqueViolation(err)) return this.patients.findOneByOrFail({ phone: input.patient.phone });
      throw err;
    }
  }

  async book(principal: Principal, input: BookAppointmentRequest): Promise<AppointmentEntity> {
    await this.schedule.doctor(input.doctorId);
    const startsAt = new Date(input.startsAt);
    const endsAt = await this.schedule.assertBookable(input.doctorId, startsAt);
    const patient = await this.resolvePatient(principal, input);
    const appointment = this.appointments.create({
      id: randomUUID(),
      doctorId: input.doctorId,
      patientId: patient.id,
      startsAt,
      endsAt,
      status: 'booked',
      reason: input.reason ?? null,
      createdAt: new Date(),
    });
    try {
      await this.appointments.insert(appointment);
    } catch (err) {
      if (isUniqueViolation(err)) throw slotTaken();
      throw err;
    }
    return appointment;
  }

  async list(principal: Principal, query: AppointmentsQuery) {
    const where: FindOptionsWhere<AppointmentEntity> = {};
    if (principal.kind === 'user') where.patientId = (await this.patientForUser(principal.userId)).id;
    else if (!query.patientId && !query.doctorId) throw invalid('query.patientId', 'or query.doctorId is required');
    if (query.patientId && principal.kind === 'service') where.patientId = query.patientId;
    if (query.doctorId) where.doctorId = query.doctorId;
    if (query.from) where.startsAt = MoreThanOrEqual(new Date(query.from));
    return this.appointments.find({ where, order: { startsAt: 'ASC' }, take: 200 });
  }

  /** Users reach only their own appointments (others are 404); service clients reach any. */
  private async accessible(principal: Principal, id: string) {
    const appointment = await this.appointments.findOneBy({ id });
    const own = principal.kind === 'service' || appointment?.patientId === (await this.patientForUser(principal.userId)).id;
    if (!appointment || !own) throw ApiError.notFound('Appointment');
    return appointment;
  }

  async move(principal: Principal, id: string, startsAtIso: string) {
    const appointment = await this.accessible(principal, id);
    if (appointment.status !== 'booked') throw ApiError.conflict('This appointment is cancelled: book a new one instead');
    const startsAt = new Date(startsAtIso);
    const endsAt = await this.schedule.assertBookable(appointment.doctorId, startsAt, new Date(), appointment.id);
    try {
      await this.appointments.update({ id }, { startsAt, endsAt });
    } catch (err) {
      if (isUniqueViolation(err)) throw slotTaken();
      throw err;
    }
    return Object.assign(appointment, { startsAt, endsAt });
  }

  async cancel(principal: Principal, id: string) {
    const appointment = await this.accessible(principal, id);
    if (appointment.status !== 'cancelled') await this.appointments.update({ id }, { status: 'cancelled' });
    return Object.assign(appointment, { status: 'cancelled' });
  }
}
