import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/** One utterance the fake recogniser expects: the words it "hears" in exactly this audio. */
export interface ScriptedUtterance {
  words: string[];
  bytes: number;
}

export interface FakeDeepgramOptions {
  apiKey: string;
  model: string;
  /** In order; the fake moves to the next one each time it answers a Finalize. */
  script: ScriptedUtterance[];
  /** Kills the first connection (no close frame) once it has received this many bytes of audio. */
  dropFirstConnectionAfterBytes?: number;
  /** Leaves Finalize unanswered, as Deepgram may when little audio was buffered. */
  ignoreFinalize?: boolean;
}

export interface FakeDeepgramConnection {
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Text frames the client sent, parsed (`KeepAlive`, `Finalize`, `CloseStream`). */
  controls: { type: string }[];
  /** The audio of each finalized utterance, as received on this connection. */
  heard: Buffer[];
  closedByClient: Promise<void>;
}

export interface FakeDeepgram {
  /** `ws://127.0.0.1:<port>` */
  baseUrl: string;
  connections: FakeDeepgramConnection[];
  close(): Promise<void>;
}

const REQUIRED_QUERY = { encoding: 'linear16', sample_rate: '16000', channels: '1', interim_results: 'true', punctuate: 'true', smart_format: 'true' };

/**
 * A local server speaking Deepgram's live streaming API (`/v1/listen`): it refuses a bad handshake
 * the way Deepgram does (HTTP status plus `dg-error` header), takes binary linear16 audio, and
 * answers with `Results` messages. Recognition is scripted: words are revealed in proportion to the
 * audio received, as interim results, then as final segments, and the rest on Finalize with
 * `from_finalize: true`. A client that loses or reorders audio therefore gets the wrong words.
 */
export async function startFakeDeepgram(options: FakeDeepgramOptions): Promise<FakeDeepgram> {
  const connections: FakeDeepgramConnection[] = [];
  const sockets = new Set<Socket>();
  let utteranceIndex = 0;
  const wss = new WebSocketServer({ noServer: true });
  const server = createServer((_req, res) => void res.writeHead(404).end());
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const refuse = (status: number, reason: string, message: string): void => {
      const body = JSON.stringify({ err_code: reason, err_msg: message });
      socket.end(
        `HTTP/1.1 ${status} ${reason}\r\ndg-error: ${message}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
    };
    if (url.pathname !== '/v1/listen') return refuse(404, 'Not Found', `no route ${url.pathname}`);
    if (req.headers['authorization'] !== `Token ${options.apiKey}`) return refuse(401, 'Unauthorized', 'Invalid credentials.');
    const wrong = Object.entries({ ...REQUIRED_QUERY, model: options.model }).find(([key, value]) => url.searchParams.get(key) !== value);
    if (wrong) return refuse(400, 'Bad Request', `query parameter ${wrong[0]} must be ${wrong[1]}, got ${url.searchParams.get(wrong[0])}`);
    wss.handleUpgrade(req, socket, head, (ws) => serve(ws, url.searchParams, req.headers));
  });

  function serve(ws: WebSocket, query: URLSearchParams, headers: IncomingHttpHeaders): void {
    const connection: FakeDeepgramConnection = {
      query,
      headers,
      controls: [],
      heard: [],
      closedByClient: new Promise((resolve) => ws.once('close', () => resolve())),
    };
    const isFirst = connections.push(connection) === 1;
    let audio: Buffer[] = [];
    let received = 0;
    let finalized = 0;
    let totalOnConnection = 0;
    let start = 0;

    const results = (words: string[], isFinal: boolean, fromFinalize = false): void => {
      const duration = received / 32000 - start;
      ws.send(
        JSON.stringify({
          type: 'Results',
          channel_index: [0, 1],
          duration,
          start,
          is_final: isFinal,
          speech_final: fromFinalize,
          channel: { alternatives: [{ transcript: words.join(' '), confidence: 0.9, words: [] }] },
          metadata: { request_id: 'local', model_info: { name: options.model, version: 'local', arch: 'local' }, model_uuid: 'local' },
          from_finalize: fromFinalize,
        }),
      );
      if (isFinal) start += duration;
    };

    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (!isBinary) {
        const control = JSON.parse(data.toString()) as { type: string };
        connection.controls.push(control);
        if (control.type === 'Finalize' && !options.ignoreFinalize) {
          const expected = options.script[utteranceIndex];
          const revealed = Math.floor(expected.words.length * Math.min(1, received / expected.bytes));
          results(expected.words.slice(finalized, revealed), true, true);
          connection.heard.push(Buffer.concat(audio));
          utteranceIndex++;
          audio = [];
          received = finalized = 0;
        }
        if (control.type === 'CloseStream') {
          ws.send(JSON.stringify({ type: 'Metadata', request_id: 'local', duration: totalOnConnection / 32000, channels: 1 }));
          ws.close(1000);
        }
        return;
      }
      audio.push(data);
      received += data.length;
      totalOnConnection += data.length;
      if (isFirst && options.dropFirstConnectionAfterBytes !== undefined && totalOnConnection >= options.dropFirstConnectionAfterBytes) {
        ws.terminate();
        return;
      }
      const expected = options.script[utteranceIndex];
      if (!expected) return;
      const revealed = Math.floor(expected.words.length * Math.min(1, received / expected.bytes));
      if (revealed - finalized >= 3) {
        results(expected.words.slice(finalized, revealed), true);
        finalized = revealed;
      } else if (revealed > finalized) {
        results(expected.words.slice(finalized, revealed), false);
      }
    });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `ws://127.0.0.1:${port}`,
    connections,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
