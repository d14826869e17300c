import { telemetryExport } from './telemetry';

describe('telemetryExport', () => {
  it('prefers Application Insights, then an OTLP endpoint, and exports nothing otherwise', () => {
    const azure = { APPLICATIONINSIGHTS_CONNECTION_STRING: 'InstrumentationKey=00000000-0000-0000-0000-000000000000' };
    const otlp = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' };
    expect(telemetryExport({ ...azure, ...otlp })).toBe('azure-monitor');
    expect(telemetryExport(otlp)).toBe('otlp');
    expect(telemetryExport({})).toBe('none');
    expect(telemetryExport({ ...azure, OTEL_SDK_DISABLED: 'true' })).toBe('none');
  });
});
