import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { PhoneOwnersController } from './phone-owners.controller';
import { PhoneVerificationService } from './phone-verification.service';
import { ProfilePhoneController } from './profile-phone.controller';
import { smsSenderProvider } from './sms-sender.provider';

@Module({
  imports: [AuthModule],
  controllers: [ProfilePhoneController, PhoneOwnersController],
  providers: [PhoneVerificationService, smsSenderProvider],
})
export class PhonesModule {}
