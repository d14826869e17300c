import { RefreshTokenEntity } from '../auth/entities/refresh-token.entity';
import { ServiceClientEntity } from '../auth/entities/service-client.entity';
import { UserEntity } from '../auth/entities/user.entity';
import { CallEntity } from '../calls/entities/call.entity';
import { AppointmentEntity } from '../clinic/entities/appointment.entity';
import { ClaimEntity } from '../clinic/entities/claim.entity';
import { DoctorEntity } from '../clinic/entities/doctor.entity';
import { PatientEntity } from '../clinic/entities/patient.entity';
import { ShiftEntity } from '../clinic/entities/shift.entity';
import { TimeOffEntity } from '../clinic/entities/time-off.entity';
import { WeeklyShiftEntity } from '../clinic/entities/weekly-shift.entity';
import { ConversationEntity } from '../conversations/entities/conversation.entity';
import { MessageEntity } from '../conversations/entities/message.entity';
import { PhoneVerificationEntity } from '../phones/entities/phone-verification.entity';
import { VerifiedPhoneEntity } from '../phones/entities/verified-phone.entity';

export const ENTITIES = [
  UserEntity,
  RefreshTokenEntity,
  ServiceClientEntity,
  ConversationEntity,
  MessageEntity,
  CallEntity,
  DoctorEntity,
  ShiftEntity,
  WeeklyShiftEntity,
  TimeOffEntity,
  PatientEntity,
  AppointmentEntity,
  ClaimEntity,
  VerifiedPhoneEntity,
  PhoneVerificationEntity,
];
