import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { DoctorItemParams, IdParams, OneOffShift, OneOffShiftInput, TimeOff, TimeOffInput, WeeklyShift, WeeklyShiftInput } from '@voice/contracts/persistence';
import { ApiContract, body, params, type Valid } from '@voice/server-kit';
import { z } from 'zod';
import { Access } from '../auth/access.guard';
import { toOneOffShift, toTimeOff, toWeeklyShift } from './clinic.mapper';
import { ScheduleService } from './schedule.service';
import { WorkingHoursService } from './working-hours.service';

const READ = { scope: 'clinic:read' } as const;
const WRITE = { scope: 'clinic:schedule' } as const;
type Doctor = Valid<typeof IdParams>;
type Item = Valid<typeof DoctorItemParams>;

/**
 * A doctor's working hours for service clients: weekly shifts, time off and one-off shifts, in the
 * clinic's calendar (CLINIC_TIMEZONE). Updates replace the whole item (PUT).
 */
@ApiTags('clinic schedule')
@Controller('v1/clinic/doctors/:id')
export class WorkingHoursController {
  constructor(
    private readonly hours: WorkingHoursService,
    private readonly schedule: ScheduleService,
  ) {}

  @ApiContract({ response: z.array(WeeklyShift) })
  @Get('weekly-shifts')
  @Access(READ)
  async listWeekly(@Param(params(IdParams)) { id }: Doctor): Promise<WeeklyShift[]> {
    return (await this.hours.weekly.list(id)).map(toWeeklyShift);
  }

  @ApiContract({ body: WeeklyShiftInput, response: WeeklyShift, status: 201 })
  @Post('weekly-shifts')
  @Access(WRITE)
  async createWeekly(@Param(params(IdParams)) { id }: Doctor, @Body(body(WeeklyShiftInput)) input: Valid<typeof WeeklyShiftInput>): Promise<WeeklyShift> {
    return toWeeklyShift(await this.hours.weekly.create(id, input));
  }

  @ApiContract({ body: WeeklyShiftInput, response: WeeklyShift })
  @Put('weekly-shifts/:itemId')
  @Access(WRITE)
  async replaceWeekly(@Param(params(DoctorItemParams)) p: Item, @Body(body(WeeklyShiftInput)) input: Valid<typeof WeeklyShiftInput>): Promise<WeeklyShift> {
    return toWeeklyShift(await this.hours.weekly.replace(p.id, p.itemId, input));
  }

  @Delete('weekly-shifts/:itemId')
  @HttpCode(204)
  @Access(WRITE)
  async removeWeekly(@Param(params(DoctorItemParams)) p: Item): Promise<void> {
    await this.hours.weekly.remove(p.id, p.itemId);
  }

  @ApiContract({ response: z.array(TimeOff) })
  @Get('time-off')
  @Access(READ)
  async listTimeOff(@Param(params(IdParams)) { id }: Doctor): Promise<TimeOff[]> {
    return (await this.hours.timeOff.list(id)).map(toTimeOff);
  }

  @ApiContract({ body: TimeOffInput, response: TimeOff, status: 201 })
  @Post('time-off')
  @Access(WRITE)
  async createTimeOff(@Param(params(IdParams)) { id }: Doctor, @Body(body(TimeOffInput)) input: Valid<typeof TimeOffInput>): Promise<TimeOff> {
    return toTimeOff(await this.hours.timeOff.create(id, input));
  }

  @ApiContract({ body: TimeOffInput, response: TimeOff })
  @Put('time-off/:itemId')
  @Access(WRITE)
  async replaceTimeOff(@Param(params(DoctorItemParams)) p: Item, @Body(body(TimeOffInput)) input: Valid<typeof TimeOffInput>): Promise<TimeOff> {
    return toTimeOff(await this.hours.timeOff.replace(p.id, p.itemId, input));
  }

  @Delete('time-off/:itemId')
  @HttpCode(204)
  @Access(WRITE)
  async removeTimeOff(@Param(params(DoctorItemParams)) p: Item): Promise<void> {
    await this.hours.timeOff.remove(p.id, p.itemId);
  }

  @ApiContract({ response: z.array(OneOffShift) })
  @Get('one-off-shifts')
  @Access(READ)
  async listOneOff(@Param(params(IdParams)) { id }: Doctor): Promise<OneOffShift[]> {
    return (await this.hours.oneOff.list(id)).map((s) => toOneOffShift(s, this.schedule.timezone));
  }

  @ApiContract({ body: OneOffShiftInput, response: OneOffShift, status: 201 })
  @Post('one-off-shifts')
  @Access(WRITE)
  async createOneOff(@Param(params(IdParams)) { id }: Doctor, @Body(body(OneOffShiftInput)) input: Valid<typeof OneOffShiftInput>): Promise<OneOffShift> {
    return toOneOffShift(await this.hours.oneOff.create(id, input), this.schedule.timezone);
  }

  @ApiContract({ body: OneOffShiftInput, response: OneOffShift })
  @Put('one-off-shifts/:itemId')
  @Access(WRITE)
  async replaceOneOff(@Param(params(DoctorItemParams)) p: Item, @Body(body(OneOffShiftInput)) input: Valid<typeof OneOffShiftInput>): Promise<OneOffShift> {
    return toOneOffShift(await this.hours.oneOff.replace(p.id, p.itemId, input), this.schedule.timezone);
  }

  @Delete('one-off-shifts/:itemId')
  @HttpCode(204)
  @Access(WRITE)
  async removeOneOff(@Param(params(DoctorItemParams)) p: Item): Promise<void> {
    await this.hours.oneOff.remove(p.id, p.itemId);
  }
}
