import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module';
import { UserEntity } from '../auth/entities/user.entity';
import { AppointmentsService } from './appointments.service';
import { ClaimsService } from './claims.service';
import { ClinicController } from './clinic.controller';
import { DoctorsService } from './doctors.service';
import { AppointmentEntity } from './entities/appointment.entity';
import { ClaimEntity } from './entities/claim.entity';
import { DoctorEntity } from './entities/doctor.entity';
import { PatientEntity } from './entities/patient.entity';
import { ShiftEntity } from './entities/shift.entity';
import { TimeOffEntity } from './entities/time-off.entity';
import { WeeklyShiftEntity } from './entities/weekly-shift.entity';
import { ScheduleService } from './schedule.service';
import { WorkingHoursController } from './working-hours.controller';
import { WorkingHoursService } from './working-hours.service';

@Module({
  imports: [
    AuthModule,
    TypeOrmModule.forFeature([DoctorEntity, ShiftEntity, WeeklyShiftEntity, TimeOffEntity, PatientEntity, AppointmentEntity, ClaimEntity, UserEntity]),
  ],
  controllers: [ClinicController, WorkingHoursController],
  providers: [DoctorsService, ScheduleService, WorkingHoursService, AppointmentsService, ClaimsService],
})
export class ClinicModule {}
