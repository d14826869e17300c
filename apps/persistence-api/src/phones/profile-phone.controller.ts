import { Body, Controller, Delete, HttpCode, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ConfirmPhoneVerificationRequest, PhoneVerificationStarted, Profile, StartPhoneVerificationRequest } from '@voice/contracts/persistence';
import { ApiContract, body, type Valid } from '@voice/server-kit';
import { Access } from '../auth/access.guard';
import { CurrentUserId } from '../auth/principal';
import { UsersService } from '../auth/users.service';
import { PhoneVerificationService } from './phone-verification.service';

/**
 * The signed-in user's phone number: verify it with a code sent by SMS, or remove it. A verified
 * number links calls and WhatsApp threads from it to the account. Verifying a number another user had
 * verified moves it here: from then on only this account gets its calls.
 */
@ApiTags('profile')
@Controller('v1/me/phone')
@Access({ user: true })
export class ProfilePhoneController {
  constructor(
    private readonly verification: PhoneVerificationService,
    private readonly users: UsersService,
  ) {}

  /** Sends a code by SMS to the number. 429 during the cool-down or past the limits; 502 when the SMS provider fails. */
  @ApiContract({ body: StartPhoneVerificationRequest, response: PhoneVerificationStarted, status: 201 })
  @Post('verification')
  start(
    @CurrentUserId() userId: string,
    @Body(body(StartPhoneVerificationRequest)) input: Valid<typeof StartPhoneVerificationRequest>,
  ): Promise<PhoneVerificationStarted> {
    return this.verification.start(userId, input.phone);
  }

  /** Confirms the code: the number becomes the profile's verified phone; answers the profile. */
  @ApiContract({ body: ConfirmPhoneVerificationRequest, response: Profile })
  @Post('verification/confirm')
  @HttpCode(200)
  async confirm(
    @CurrentUserId() userId: string,
    @Body(body(ConfirmPhoneVerificationRequest)) input: Valid<typeof ConfirmPhoneVerificationRequest>,
  ): Promise<Profile> {
    await this.verification.confirm(userId, input.phone, input.code);
    return this.users.profile(userId);
  }

  /** Removes the number (verified or not) from the profile. */
  @Delete()
  @HttpCode(204)
  async remove(@CurrentUserId() userId: string) {
    await this.users.get(userId);
    await this.verification.remove(userId);
  }
}
