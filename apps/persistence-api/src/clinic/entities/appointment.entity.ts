import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { DoctorEntity } from './doctor.entity';
import { PatientEntity } from './patient.entity';

/** The partial unique index makes the database itself refuse a second booking of a slot. */
@Entity('appointments')
@Index('UQ_appointments_doctor_slot', ['doctorId', 'startsAt'], { unique: true, where: "status = 'booked'" })
@Index('IDX_appointments_patient', ['patientId', 'startsAt'])
export class AppointmentEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ name: 'doctor_id', type: 'uuid' })
  doctorId: string;

  @ManyToOne(() => DoctorEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'doctor_id', foreignKeyConstraintName: 'FK_appointments_doctor' })
  doctor?: DoctorEntity;

  @Column({ name: 'patient_id', type: 'uuid' })
  patientId: string;

  @ManyToOne(() => PatientEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'patient_id', foreignKeyConstraintName: 'FK_appointments_patient' })
  patient?: PatientEntity;

  @Column({ name: 'starts_at', type: Date })
  startsAt: Date;

  @Column({ name: 'ends_at', type: Date })
  endsAt: Date;

  @Column({ type: 'varchar', length: 16, default: 'booked' })
  status: string;

  @Column({ type: 'varchar', length: 500, nullable: true })
  reason: string | null;

  @Column({ name: 'created_at', type: Date })
  createdAt: Date;
}
