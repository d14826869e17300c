import { Body, Controller, Delete, Get, HttpCode, Patch } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { UpdateProfileRequest, Profile } from '@voice/contracts/persistence';
import { ApiContract, body, type Valid } from '@voice/server-kit';
import { Access } from '../auth/access.guard';
import { CurrentUserId } from '../auth/principal';
import { UsersService } from '../auth/users.service';

@ApiTags('profile')
@Controller('v1/me')
@Access({ user: true })
export class ProfilesController {
  constructor(private readonly users: UsersService) {}

  @ApiContract({ response: Profile })
  @Get()
  async get(@CurrentUserId() userId: string): Promise<Profile> {
    return this.users.profile(userId);
  }

  @ApiContract({ body: UpdateProfileRequest, response: Profile })
  @Patch()
  async update(@CurrentUserId() userId: string, @Body(body(UpdateProfileRequest)) patch: Valid<typeof UpdateProfileRequest>): Promise<Profile> {
    return this.users.update(userId, patch);
  }

  /** Deletes the account and everything that belongs to it. */
  @Delete()
  @HttpCode(204)
  async remove(@CurrentUserId() userId: string) {
    await this.users.delete(userId);
  }
}
