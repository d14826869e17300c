import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { PatientEntity } from './patient.entity';

/** An insurance claim for a patient's visit; the billing agent reports its status. */
@Entity('claims')
@Index('IDX_claims_patient_submitted', ['patientId', 'submittedAt'])
export class ClaimEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ name: 'patient_id', type: 'uuid' })
  patientId: string;

  @ManyToOne(() => PatientEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'patient_id', foreignKeyConstraintName: 'FK_claims_patient' })
  patient?: PatientEntity;

  /** Human-readable claim number, e.g. "CLM-1042". */
  @Index('UQ_claims_reference', { unique: true })
  @Column({ type: 'varchar', length: 32 })
  reference: string;

  @Column({ type: 'varchar', length: 16 })
  status: string;

  @Column({ name: 'amount_cents', type: 'int' })
  amountCents: number;

  @Column({ name: 'submitted_at', type: Date })
  submittedAt: Date;

  @Column({ name: 'updated_at', type: Date })
  updatedAt: Date;
}
