import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { OneOffShiftInput, TimeOffInput, WeeklyShiftInput } from '@voice/contracts/persistence';
import type { Valid } from '@voice/server-kit';
import type { Repository } from 'typeorm';
import { DoctorRows } from './doctor-rows';
import { ShiftEntity } from './entities/shift.entity';
import { TimeOffEntity } from './entities/time-off.entity';
import { WeeklyShiftEntity } from './entities/weekly-shift.entity';
import { ScheduleService } from './schedule.service';
import { weekdayNumber } from './weekly-schedule';
import { zonedToUtc } from './zoned-time';

/** Weekly shifts, time off and one-off shifts of each doctor, as the schedule API manages them. */
@Injectable()
export class WorkingHoursService {
  readonly weekly: DoctorRows<WeeklyShiftEntity, Valid<typeof WeeklyShiftInput>>;
  readonly timeOff: DoctorRows<TimeOffEntity, Valid<typeof TimeOffInput>>;
  readonly oneOff: DoctorRows<ShiftEntity, Valid<typeof OneOffShiftInput>>;

  constructor(
    schedule: ScheduleService,
    @InjectRepository(WeeklyShiftEntity) weekly: Repository<WeeklyShiftEntity>,
    @InjectRepository(TimeOffEntity) timeOff: Repository<TimeOffEntity>,
    @InjectRepository(ShiftEntity) shifts: Repository<ShiftEntity>,
  ) {
    const created = () => ({ createdAt: new Date() });
    this.weekly = new DoctorRows(
      schedule,
      weekly,
      'Weekly shift',
      { weekday: 'ASC', startTime: 'ASC' },
      (input) => ({ ...input, weekday: weekdayNumber(input.weekday) }),
      created,
    );
    this.timeOff = new DoctorRows(
      schedule,
      timeOff,
      'Time off',
      { fromDate: 'ASC' },
      (input) => ({ fromDate: input.from, untilDate: input.until ?? input.from, reason: input.reason }),
      created,
    );
    this.oneOff = new DoctorRows(schedule, shifts, 'One-off shift', { startsAt: 'ASC' }, (input) => ({
      startsAt: zonedToUtc(input.date, input.startTime, schedule.timezone),
      endsAt: zonedToUtc(input.date, input.endTime, schedule.timezone),
    }));
  }
}
