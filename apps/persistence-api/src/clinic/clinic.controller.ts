import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import {
  AppointmentsQuery,
  BookAppointmentRequest,
  IdParams,
  MoveAppointmentRequest,
  PatientsQuery,
  SlotsQuery,
  Appointment,
  Claim,
  Doctor,
  Patient,
  SlotsResponse,
} from '@voice/contracts/persistence';
import { ApiContract, body, params, query, type Valid } from '@voice/server-kit';
import { z } from 'zod';
import { Access } from '../auth/access.guard';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { AppointmentsService } from './appointments.service';
import { ClaimsService } from './claims.service';
import { toAppointment, toClaim, toDoctor, toPatient } from './clinic.mapper';
import { ScheduleService } from './schedule.service';
import { DoctorsService } from './doctors.service';

const READERS = { user: true, scope: 'clinic:read' } as const;
const BOOKERS = { user: true, scope: 'clinic:book' } as const;

@ApiTags('clinic')
@Controller('v1/clinic')
export class ClinicController {
  constructor(
    private readonly doctors: DoctorsService,
    private readonly schedule: ScheduleService,
    private readonly appointments: AppointmentsService,
    private readonly claims: ClaimsService,
  ) {}

  @ApiContract({ response: z.array(Doctor) })
  @Get('doctors')
  @Access(READERS)
  async listDoctors(): Promise<Doctor[]> {
    return (await this.doctors.list()).map(toDoctor);
  }

  @ApiContract({ query: SlotsQuery, response: SlotsResponse })
  @Get('doctors/:id/slots')
  @Access(READERS)
  async slots(@Param(params(IdParams)) { id }: Valid<typeof IdParams>, @Query(query(SlotsQuery)) q: Valid<typeof SlotsQuery>): Promise<SlotsResponse> {
    return { doctorId: id, date: q.date, timezone: this.schedule.timezone, slots: await this.schedule.freeSlots(id, q.date) };
  }

  @ApiContract({ query: PatientsQuery, response: z.array(Patient) })
  @Get('patients')
  @Access({ scope: 'clinic:read' })
  async findPatients(@Query(query(PatientsQuery)) q: Valid<typeof PatientsQuery>): Promise<Patient[]> {
    return (await this.appointments.findPatients(q)).map(toPatient);
  }

  @ApiContract({ response: Patient })
  @Get('patients/:id')
  @Access({ scope: 'clinic:read' })
  async patient(@Param(params(IdParams)) { id }: Valid<typeof IdParams>): Promise<Patient> {
    return toPatient(await this.appointments.patient(id));
  }

  /** The billing agent's view: a patient's insurance claims, newest first. A user sees only their own. */
  @ApiContract({ response: z.array(Claim) })
  @Get('patients/:id/claims')
  @Access(READERS)
  async patientClaims(@CurrentPrincipal() principal: Principal, @Param(params(IdParams)) { id }: Valid<typeof IdParams>): Promise<Claim[]> {
    return (await this.claims.forPatient(principal, id)).map(toClaim);
  }

  @ApiContract({ query: AppointmentsQuery, response: z.array(Appointment) })
  @Get('appointments')
  @Access(READERS)
  async listAppointments(
    @CurrentPrincipal() principal: Principal,
    @Query(query(AppointmentsQuery)) q: Valid<typeof AppointmentsQuery>,
  ): Promise<Appointment[]> {
    return (await this.appointments.list(principal, q)).map(toAppointment);
  }

  @ApiContract({ body: BookAppointmentRequest, response: Appointment, status: 201 })
  @Post('appointments')
  @Access(BOOKERS)
  async book(@CurrentPrincipal() principal: Principal, @Body(body(BookAppointmentRequest)) input: Valid<typeof BookAppointmentRequest>): Promise<Appointment> {
    return toAppointment(await this.appointments.book(principal, input));
  }

  @ApiContract({ body: MoveAppointmentRequest, response: Appointment })
  @Patch('appointments/:id')
  @Access(BOOKERS)
  async move(
    @CurrentPrincipal() principal: Principal,
    @Param(params(IdParams)) { id }: Valid<typeof IdParams>,
    @Body(body(MoveAppointmentRequest)) input: Valid<typeof MoveAppointmentRequest>,
  ): Promise<Appointment> {
    return toAppointment(await this.appointments.move(principal, id, input.startsAt));
  }

  @ApiContract({ response: Appointment })
  @Post('appointments/:id/cancel')
  @HttpCode(200)
  @Access(BOOKERS)
  async cancel(@CurrentPrincipal() principal: Principal, @Param(params(IdParams)) { id }: Valid<typeof IdParams>): Promise<Appointment> {
    return toAppointment(await this.appointments.cancel(principal, id));
  }
}
