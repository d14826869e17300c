import { ApiError } from '@voice/server-kit';
import { randomUUID } from 'node:crypto';
import type { DeepPartial, FindOptionsOrder, FindOptionsWhere, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { ScheduleService } from './schedule.service';

type DoctorRow = { id: string; doctorId: string };

/** One part of a doctor's working hours, kept in a table of its own: list, create, replace, delete. */
export class DoctorRows<E extends DoctorRow, I> {
  constructor(
    private readonly schedule: ScheduleService,
    private readonly repo: Repository<E>,
    private readonly what: string,
    private readonly order: FindOptionsOrder<E>,
    /** The columns an input sets; `fresh` adds those a new row also needs. */
    private readonly columns: (input: I) => Partial<E>,
    private readonly fresh: () => Partial<E> = () => ({}),
  ) {}

  async list(doctorId: string): Promise<E[]> {
    await this.schedule.doctor(doctorId);
    return this.repo.find({ where: { doctorId } as FindOptionsWhere<E>, order: this.order });
  }

  async create(doctorId: string, input: I): Promise<E> {
    await this.schedule.doctor(doctorId);
    const row = this.repo.create({ ...this.fresh(), ...this.columns(input), id: randomUUID(), doctorId } as DeepPartial<E>);
    await this.repo.insert(row as QueryDeepPartialEntity<E>);
    return row;
  }

  async replace(doctorId: string, id: string, input: I): Promise<E> {
    const row = await this.get(doctorId, id);
    const columns = this.columns(input);
    await this.repo.update({ id } as FindOptionsWhere<E>, columns as QueryDeepPartialEntity<E>);
    return Object.assign(row, columns);
  }

  async remove(doctorId: string, id: string): Promise<void> {
    await this.get(doctorId, id);
    await this.repo.delete({ id } as FindOptionsWhere<E>);
  }

  /** A row of this doctor's; another doctor's row is as unknown as a missing one. */
  private async get(doctorId: string, id: string): Promise<E> {
    await this.schedule.doctor(doctorId);
    const row = await this.repo.findOneBy({ id, doctorId } as FindOptionsWhere<E>);
    if (!row) throw ApiError.notFound(this.what);
    return row;
  }
}
