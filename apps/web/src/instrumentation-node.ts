import { ConfigError } from '@voice/config/core';
import { startTelemetry } from '@voice/server-kit/telemetry';
import { Server, type IncomingMessage } from 'node:http';
import { PEER_ADDRESS_HEADER } from './lib/client-address';
import { webConfig } from './lib/config';

try {
  webConfig();
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
}

// Next traces its own requests once a tracer provider is registered; the fetch instrumentation
// carries each page's trace to voice-api and persistence-api (traceparent).
startTelemetry({ name: 'web' });

// Next passes on a client's own X-Forwarded-For, so the connection's address is written here, over
// anything the client sent, for lib/client-address.ts to read when no proxy is trusted.
const emit = Server.prototype.emit;
Server.prototype.emit = function (this: Server, event: string | symbol, ...args: unknown[]) {
  if (event === 'request') {
    const request = args[0] as IncomingMessage;
    request.headers[PEER_ADDRESS_HEADER] = request.socket.remoteAddress ?? '';
  }
  return Reflect.apply(emit, this, [event, ...args]) as boolean;
} as typeof emit;
