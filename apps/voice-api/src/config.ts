import { Global, Inject, Module, type DynamicModule } from '@nestjs/common';
import type { VoiceApiConfig } from '@voice/config/voice-api';

export const CONFIG = Symbol('VOICE_API_CONFIG');
export const InjectConfig = () => Inject(CONFIG);
export type { VoiceApiConfig };

/** Exposes the configuration parsed once at boot to every module. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: VoiceApiConfig): DynamicModule {
    return { module: ConfigModule, providers: [{ provide: CONFIG, useValue: config }], exports: [CONFIG] };
  }
}
