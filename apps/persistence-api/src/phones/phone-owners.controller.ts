import { Controller, Get, Param } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { PhoneOwner, PhoneOwnerParams } from '@voice/contracts/persistence';
import { ApiContract, ApiError, params, type Valid } from '@voice/server-kit';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { Access } from '../auth/access.guard';
import { verifiedOwner } from './phone-links';

/** For the channel services: which user, if any, has verified a caller's number. */
@ApiTags('phone-owners')
@Controller('v1/phone-owners')
@Access({ scope: 'phone-owners:read' })
export class PhoneOwnersController {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** 404 when nobody has verified the number: its calls then belong to the number alone. */
  @ApiContract({ response: PhoneOwner })
  @Get(':phone')
  async get(@Param(params(PhoneOwnerParams)) { phone }: Valid<typeof PhoneOwnerParams>): Promise<PhoneOwner> {
    const owner = await verifiedOwner(this.db.manager, phone);
    if (!owner) throw new ApiError(404, 'not_found', 'No user has verified this phone number');
    return { phone: owner.phone, userId: owner.userId, verifiedAt: owner.verifiedAt.toISOString() };
  }
}
