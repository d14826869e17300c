import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A backend service (voice-api, channels) that authenticates with the client-credentials grant. */
@Entity('service_clients')
export class ServiceClientEntity {
  @PrimaryColumn({ name: 'client_id', type: 'varchar', length: 64 })
  clientId: string;

  @Column({ name: 'secret_hash', type: 'varchar', length: 255 })
  secretHash: string;

  /** Space-separated scopes the client may request. */
  @Column({ type: 'varchar', length: 500 })
  scopes: string;

  @Column({ name: 'created_at', type: Date })
  createdAt: Date;
}
