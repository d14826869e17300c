import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { DoctorEntity } from './doctor.entity';

/**
 * A shift that repeats every week: `weekday` from 1 (Monday) to 7 (Sunday), clinic clock times and
 * optional first/last dates (YYYY-MM-DD, stored as text so both databases compare them alike).
 */
@Entity('weekly_shifts')
@Index('IDX_weekly_shifts_doctor_weekday', ['doctorId', 'weekday'])
export class WeeklyShiftEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ name: 'doctor_id', type: 'uuid' })
  doctorId: string;

  @ManyToOne(() => DoctorEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'doctor_id', foreignKeyConstraintName: 'FK_weekly_shifts_doctor' })
  doctor?: DoctorEntity;

  @Column({ type: 'int' })
  weekday: number;

  @Column({ name: 'start_time', type: 'varchar', length: 5 })
  startTime: string;

  @Column({ name: 'end_time', type: 'varchar', length: 5 })
  endTime: string;

  @Column({ name: 'valid_from', type: 'varchar', length: 10, nullable: true })
  validFrom: string | null;

  @Column({ name: 'valid_until', type: 'varchar', length: 10, nullable: true })
  validUntil: string | null;

  @Column({ name: 'created_at', type: Date })
  createdAt: Date;
}
