import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule, type VoiceApiConfig } from './config';

@Module({})
export class AppModule {
  static forRoot(config: VoiceApiConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [ConfigModule.forRoot(config)],
    };
  }
}
