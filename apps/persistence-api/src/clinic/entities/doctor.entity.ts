import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('doctors')
export class DoctorEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  @Column({ type: 'varchar', length: 100 })
  specialty: string;
}
