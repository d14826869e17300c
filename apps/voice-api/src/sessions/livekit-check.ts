import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { CredentialChecks } from '../health/credential-checks';
import { HealthChecks } from '../health/health-checks';
import type { LiveKitRooms } from './livekit-rooms';
import { LIVEKIT_ROOMS } from './sessions.service';

/** With the LiveKit transport configured, puts LiveKit on /health: up once it accepts our key and secret. */
@Injectable()
export class LiveKitCheck implements OnModuleInit {
  constructor(
    @Inject(LIVEKIT_ROOMS) private readonly rooms: LiveKitRooms | null,
    private readonly health: HealthChecks,
    private readonly credentials: CredentialChecks,
  ) {}

  onModuleInit() {
    const rooms = this.rooms;
    if (!rooms) return;
    const probe = rooms.credentialProbe();
    this.health.register({ name: 'livekit', check: () => this.credentials.verify(probe) });
  }
}
