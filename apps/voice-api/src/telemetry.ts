import { startTelemetry } from '@voice/server-kit/telemetry';

// Imported first by main.ts: the instrumentations must patch http and pg before anything loads them.
startTelemetry({ name: 'voice-api' });
