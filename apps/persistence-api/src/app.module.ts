import { Module, type DynamicModule } from '@nestjs/common';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { HealthModule } from '@voice/server-kit';
import type { DataSource } from 'typeorm';
import { AuthModule } from './auth/auth.module';
import { CallsModule } from './calls/calls.module';
import { ClinicModule } from './clinic/clinic.module';
import { ConfigModule, type PersistenceApiConfig } from './config';
import { ConversationsModule } from './conversations/conversations.module';
import { DatabaseAvailability } from './database/database-availability';
import { dataSourceOptions } from './database/data-source';
import { PhonesModule } from './phones/phones.module';
import { ProfilesModule } from './profiles/profiles.module';

@Module({})
export class AppModule {
  static forRoot(config: PersistenceApiConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        TypeOrmModule.forRoot({ ...dataSourceOptions(config), retryAttempts: 3, retryDelay: 2_000 }),
        HealthModule.forRootAsync({
          inject: [getDataSourceToken()],
          useFactory: (db: DataSource) => [{ name: 'database', check: () => db.query('SELECT 1') }],
        }),
        AuthModule,
        ProfilesModule,
        PhonesModule,
        ConversationsModule,
        CallsModule,
        ClinicModule,
      ],
      providers: [DatabaseAvailability],
    };
  }
}
