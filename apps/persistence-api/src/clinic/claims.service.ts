import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { ApiError } from '@voice/server-kit';
import { Repository } from 'typeorm';
import type { Principal } from '../auth/principal';
import { ClaimEntity } from './entities/claim.entity';
import { PatientEntity } from './entities/patient.entity';

/** More claims than one patient plausibly has; the list is not paged. */
const MAX_CLAIMS = 200;

@Injectable()
export class ClaimsService {
  constructor(
    @InjectRepository(ClaimEntity) private readonly claims: Repository<ClaimEntity>,
    @InjectRepository(PatientEntity) private readonly patients: Repository<PatientEntity>,
  ) {}

  /** A patient's claims, newest first. Users reach only their own patient record (any other is 404). */
  async forPatient(principal: Principal, patientId: string): Promise<ClaimEntity[]> {
    const patient = await this.patients.findOneBy({ id: patientId });
    if (!patient || (principal.kind === 'user' && patient.userId !== principal.userId)) throw ApiError.notFound('Patient');
    return this.claims.find({ where: { patientId }, order: { submittedAt: 'DESC', reference: 'DESC' }, take: MAX_CLAIMS });
  }
}
