import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { DoctorEntity } from './doctor.entity';

/**
 * A one-off shift: a dated span of time a doctor sees patients, on top of the weekly shifts. Before
 * weekly shifts existed every shift was one of these, and they stay as they were.
 */
@Entity('shifts')
@Index('IDX_shifts_doctor_starts', ['doctorId', 'startsAt'])
export class ShiftEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ name: 'doctor_id', type: 'uuid' })
  doctorId: string;

  @ManyToOne(() => DoctorEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'doctor_id', foreignKeyConstraintName: 'FK_shifts_doctor' })
  doctor?: DoctorEntity;

  @Column({ name: 'starts_at', type: Date })
  startsAt: Date;

  @Column({ name: 'ends_at', type: Date })
  endsAt: Date;
}
