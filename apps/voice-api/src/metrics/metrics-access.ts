import { ApiError } from '@voice/server-kit';
import { timingSafeEqual } from 'node:crypto';

export interface MetricsAccessConfig {
  NODE_ENV: string;
  METRICS_TOKEN?: string;
}

const sameSecret = (a: string, b: string) => {
  const [x, y] = [Buffer.from(a), Buffer.from(b)];
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * Who may read /metrics: with METRICS_TOKEN, whoever sends it as a bearer token (a Prometheus
 * scraper); without it, anyone outside production and nobody in production.
 */
export function checkMetricsAccess(config: MetricsAccessConfig, authorization: string | undefined): void {
  if (!config.METRICS_TOKEN) {
    if (config.NODE_ENV === 'production') {
      throw ApiError.forbidden('Metrics are not public in production: set METRICS_TOKEN on voice-api and send it as "Authorization: Bearer <token>"');
    }
    return;
  }
  const match = /^Bearer (.+)$/.exec(authorization ?? '');
  if (!match || !sameSecret(match[1], config.METRICS_TOKEN)) {
    throw ApiError.unauthorized('Reading /metrics needs "Authorization: Bearer <METRICS_TOKEN>"');
  }
}
