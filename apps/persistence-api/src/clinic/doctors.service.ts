import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { DoctorEntity } from './entities/doctor.entity';

@Injectable()
export class DoctorsService {
  constructor(@InjectRepository(DoctorEntity) private readonly doctors: Repository<DoctorEntity>) {}

  list() {
    return this.doctors.find({ order: { name: 'ASC' } });
  }
}
