import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Slot } from '@voice/contracts/persistence';
import { ApiError } from '@voice/server-kit';
import { Between, LessThan, MoreThan, Repository } from 'typeorm';
import { InjectConfig, type PersistenceApiConfig } from '../config';
import { AppointmentEntity } from './entities/appointment.entity';
import { DoctorEntity } from './entities/doctor.entity';
import { ShiftEntity } from './entities/shift.entity';
import { localTime, zonedDay } from './zoned-time';

/** Free slots are the slot grid of a doctor's shifts minus booked appointments and the past. */
@Injectable()
export class ScheduleService {
  constructor(
    @InjectRepository(DoctorEntity) private readonly doctors: Repository<DoctorEntity>,
    @InjectRepository(ShiftEntity) private readonly shifts: Repository<ShiftEntity>,
    @InjectRepository(AppointmentEntity) private readonly appointments: Repository<AppointmentEntity>,
    @InjectConfig() private readonly config: PersistenceApiConfig,
  ) {}

  get timezone() {
    return this.config.CLINIC_TIMEZONE;
  }

  private get slotMs() {
    return this.config.CLINIC_SLOT_MINUTES * 60_000;
  }

  async doctor(id: string) {
    const doctor = await this.doctors.findOneBy({ id });
    if (!doctor) throw ApiError.notFound('Doctor');
    return doctor;
  }

  async freeSlots(doctorId: string, date: string, now = new Date()): Promise<Slot[]> {
    await this.doctor(doctorId);
    const [dayStart, dayEnd] = zonedDay(date, this.timezone);
    const shifts = await this.shifts.find({
      where: { doctorId, startsAt: LessThan(dayEnd), endsAt: MoreThan(dayStart) },
      order: { startsAt: 'ASC' },
    });
    const booked = await this.appointments.find({
      where: { doctorId, status: 'booked', startsAt: Between(new Date(dayStart.getTime() - this.slotMs), dayEnd) },
    });
    const taken = new Set(booked.map((a) => a.startsAt.getTime()));
    const slots: Slot[] = [];
    for (const shift of shifts) {
      for (let t = shift.startsAt.getTime(); t + this.slotMs <= shift.endsAt.getTime(); t += this.slotMs) {
        if (t < dayStart.getTime() || t >= dayEnd.getTime() || t <= now.getTime() || taken.has(t)) continue;
        const startsAt = new Date(t);
        slots.push({
          startsAt: startsAt.toISOString(),
          endsAt: new Date(t + this.slotMs).toISOString(),
          localTime: localTime(startsAt, this.timezone),
        });
      }
    }
    return slots;
  }

  /** Throws a 400 naming `startsAt` unless it starts a slot on the doctor's shift grid in the future. */
  async assertBookable(doctorId: string, startsAt: Date, now = new Date()): Promise<Date> {
    const endsAt = new Date(startsAt.getTime() + this.slotMs);
    const refuse = (message: string) =>
      new ApiError(400, 'validation_failed', `Invalid request: body.startsAt ${message}`, [{ path: 'body.startsAt', message }]);
    if (startsAt.getTime() <= now.getTime()) throw refuse('is in the past');
    const shift = await this.shifts.findOne({
      where: { doctorId, startsAt: LessThan(new Date(startsAt.getTime() + 1)), endsAt: MoreThan(new Date(endsAt.getTime() - 1)) },
    });
    if (!shift || (startsAt.getTime() - shift.startsAt.getTime()) % this.slotMs !== 0) {
      throw refuse(`is not the start of one of this doctor's ${this.config.CLINIC_SLOT_MINUTES}-minute slots; ask for free slots first`);
    }
    return endsAt;
  }
}
