import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Slot } from '@voice/contracts/persistence';
import { ApiError } from '@voice/server-kit';
import { LessThan, LessThanOrEqual, MoreThan, MoreThanOrEqual, Not, Repository } from 'typeorm';
import { InjectConfig, type PersistenceApiConfig } from '../config';
import { AppointmentEntity } from './entities/appointment.entity';
import { DoctorEntity } from './entities/doctor.entity';
import { ShiftEntity } from './entities/shift.entity';
import { TimeOffEntity } from './entities/time-off.entity';
import { WeeklyShiftEntity } from './entities/weekly-shift.entity';
import { isoWeekday, weeklySpans, type Span } from './weekly-schedule';
import { localTime, zonedDate, zonedDay } from './zoned-time';

/**
 * Free slots are the slot grid of a doctor's shifts minus booked appointments and the past. A day's
 * shifts are its weekly shifts and the one-off shifts that touch it, or none on a day off; they are
 * worked out for the date asked, so there is no horizon after which a schedule runs out.
 */
@Injectable()
export class ScheduleService {
  constructor(
    @InjectRepository(DoctorEntity) private readonly doctors: Repository<DoctorEntity>,
    @InjectRepository(ShiftEntity) private readonly shifts: Repository<ShiftEntity>,
    @InjectRepository(WeeklyShiftEntity) private readonly weeklyShifts: Repository<WeeklyShiftEntity>,
    @InjectRepository(TimeOffEntity) private readonly timeOff: Repository<TimeOffEntity>,
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

  /** The doctor's shifts on the clinic date `date`; one-off shifts may reach into the days either side. */
  private async shiftsOn(doctorId: string, date: string): Promise<Span[]> {
    if (await this.timeOff.existsBy({ doctorId, fromDate: LessThanOrEqual(date), untilDate: MoreThanOrEqual(date) })) return [];
    const [dayStart, dayEnd] = zonedDay(date, this.timezone);
    const weekly = await this.weeklyShifts.findBy({ doctorId, weekday: isoWeekday(date) });
    const oneOff = await this.shifts.findBy({ doctorId, startsAt: LessThan(dayEnd), endsAt: MoreThan(dayStart) });
    return [...weeklySpans(date, weekly, this.timezone), ...oneOff];
  }

  async freeSlots(doctorId: string, date: string, now = new Date()): Promise<Slot[]> {
    await this.doctor(doctorId);
    const [dayStart, dayEnd] = zonedDay(date, this.timezone);
    const shifts = await this.shiftsOn(doctorId, date);
    const booked = await this.appointments.find({
      where: { doctorId, status: 'booked', startsAt: LessThan(dayEnd), endsAt: MoreThan(dayStart) },
    });
    const overlapsBooking = (t: number) => booked.some((a) => a.startsAt.getTime() < t + this.slotMs && a.endsAt.getTime() > t);
    // Overlapping shifts would otherwise offer the same slot twice.
    const starts = new Set<number>();
    for (const shift of shifts) {
      for (let t = shift.startsAt.getTime(); t + this.slotMs <= shift.endsAt.getTime(); t += this.slotMs) {
        if (t < dayStart.getTime() || t >= dayEnd.getTime() || t <= now.getTime() || overlapsBooking(t)) continue;
        starts.add(t);
      }
    }
    return [...starts]
      .sort((a, b) => a - b)
      .map((t) => ({
        startsAt: new Date(t).toISOString(),
        endsAt: new Date(t + this.slotMs).toISOString(),
        localTime: localTime(new Date(t), this.timezone),
      }));
  }

  /**
   * Throws a 400 naming `startsAt` unless it starts a slot on the grid of one of the doctor's shifts
   * in the future, and a 409 when the slot overlaps another booked appointment of the doctor (a
   * booking made on a different grid, e.g. before CLINIC_SLOT_MINUTES changed). Two bookings of the
   * very same slot at once are refused by the database's unique index, not here.
   */
  async assertBookable(doctorId: string, startsAt: Date, now = new Date(), exceptAppointmentId?: string): Promise<Date> {
    const endsAt = new Date(startsAt.getTime() + this.slotMs);
    const refuse = (message: string) =>
      new ApiError(400, 'validation_failed', `Invalid request: body.startsAt ${message}`, [{ path: 'body.startsAt', message }]);
    if (startsAt.getTime() <= now.getTime()) throw refuse('is in the past');
    const t = startsAt.getTime();
    const onGrid = (await this.shiftsOn(doctorId, zonedDate(startsAt, this.timezone))).some(
      (shift) => shift.startsAt.getTime() <= t && endsAt.getTime() <= shift.endsAt.getTime() && (t - shift.startsAt.getTime()) % this.slotMs === 0,
    );
    if (!onGrid) {
      throw refuse(`is not the start of one of this doctor's ${this.config.CLINIC_SLOT_MINUTES}-minute slots; ask for free slots first`);
    }
    const overlapping = await this.appointments.findOne({
      where: {
        doctorId,
        status: 'booked',
        startsAt: LessThan(endsAt),
        endsAt: MoreThan(startsAt),
        ...(exceptAppointmentId ? { id: Not(exceptAppointmentId) } : {}),
      },
    });
    if (overlapping) throw ApiError.conflict('That slot is no longer free: pick another free slot');
    return endsAt;
  }
}
