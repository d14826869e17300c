import { Global, Inject, Module, type DynamicModule } from '@nestjs/common';
import type { PersistenceApiConfig } from '@voice/config/persistence-api';

export const CONFIG = Symbol('PERSISTENCE_API_CONFIG');
export const InjectConfig = () => Inject(CONFIG);
export type { PersistenceApiConfig };

/** Exposes the configuration parsed once at boot to every module. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: PersistenceApiConfig): DynamicModule {
    return { module: ConfigModule, providers: [{ provide: CONFIG, useValue: config }], exports: [CONFIG] };
  }
}
