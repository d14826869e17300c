import { Controller, Get, Header, Headers } from '@nestjs/common';
import { ApiExcludeEndpoint } from '@nestjs/swagger';
import { InjectConfig, type VoiceApiConfig } from '../config';
import { checkMetricsAccess } from './metrics-access';
import { MetricsService } from './metrics.service';

@Controller()
export class MetricsController {
  constructor(
    private readonly metrics: MetricsService,
    @InjectConfig() private readonly config: VoiceApiConfig,
  ) {}

  @ApiExcludeEndpoint()
  @Get('metrics')
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  @Header('cache-control', 'no-store')
  expose(@Headers('authorization') authorization?: string): Promise<string> {
    checkMetricsAccess(this.config, authorization);
    return this.metrics.expose();
  }
}
