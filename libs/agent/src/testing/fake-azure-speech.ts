import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';

/** One utterance the fake recogniser expects: the words it "hears" in exactly this audio. */
export interface ScriptedAzureUtterance {
  words: string[];
  bytes: number;
}

export interface FakeAzureSpeechOptions {
  key: string;
  /** In order; the fake moves to the next one at each turn (one turn per end of audio). */
  script?: ScriptedAzureUtterance[];
  /** What the synthesis endpoint answers with: the audio for any accepted SSML. */
  speech?: Buffer;
  /** Delay between the pieces of synthesised audio. Default 2 ms. */
  pieceDelayMs?: number;
}

/** A message as the protocol frames it: headers (names lower-cased), then a text or binary body. */
export interface SpeechMessage {
  headers: Record<string, string>;
  body: string | Buffer;
}

export interface FakeAzureRecognition {
  url: URL;
  headers: IncomingHttpHeaders;
  messages: SpeechMessage[];
  /** The PCM (WAV header removed) of each turn, as received. */
  heard: Buffer[];
  closed: Promise<void>;
}

export interface FakeAzureSpeech {
  /** `http://127.0.0.1:<port>`, what AZURE_SPEECH_ENDPOINT takes. */
  endpoint: string;
  recognitions: FakeAzureRecognition[];
  synthesisRequests: { url: string; headers: IncomingHttpHeaders; body: string }[];
  tokenRequests: { headers: IncomingHttpHeaders }[];
  close(): Promise<void>;
}

const RECOGNITION_PATH = '/stt/speech/recognition/conversation/cognitiveservices/v1';
const SYNTHESIS_PATH = '/tts/cognitiveservices/v1';
const TOKEN_PATH = '/sts/v1.0/issueToken';
const OUTPUT_FORMATS = new Set(['raw-16khz-16bit-mono-pcm', 'raw-24khz-16bit-mono-pcm']);
/** 16 kHz 16-bit mono: 100-ns ticks per byte, the unit of Offset and Duration. */
const TICKS_PER_BYTE = 10_000_000 / 32_000;

/**
 * A local server speaking Azure AI Speech's protocols on a resource endpoint (custom-domain form:
 * `/stt/…`, `/tts/…`, `/sts/…` under one origin), written from Microsoft's documentation and the
 * Speech SDK's wire format:
 * - `POST /sts/v1.0/issueToken` with `Ocp-Apim-Subscription-Key`: 200 and a token, or 401.
 * - `POST /tts/cognitiveservices/v1`: SSML in, raw PCM out (`X-Microsoft-OutputFormat`), 401/400 as documented.
 * - WebSocket `/stt/speech/recognition/conversation/cognitiveservices/v1?language=…`: text messages are
 *   `Name: value` header lines, a blank line and a JSON body; binary messages are a 2-byte big-endian
 *   header length, the headers, then the audio. The client sends `speech.config`, then per turn an
 *   optional `speech.context` and `audio` messages (a RIFF header first, an empty one to end the
 *   audio); the service answers with `turn.start`, `speech.startDetected`, `speech.hypothesis`,
 *   `speech.phrase`, `speech.endDetected` and `turn.end`, each carrying the turn's `X-RequestId`.
 * Recognition is scripted: words are revealed in proportion to the audio received (hypotheses),
 * a phrase is closed every six words, and the rest when the audio ends; so a client that loses
 * or reorders audio gets the wrong words.
 */
export async function startFakeAzureSpeech(options: FakeAzureSpeechOptions): Promise<FakeAzureSpeech> {
  const recognitions: FakeAzureRecognition[] = [];
  const synthesisRequests: FakeAzureSpeech['synthesisRequests'] = [];
  const tokenRequests: FakeAzureSpeech['tokenRequests'] = [];
  const sockets = new Set<Socket>();
  let turnIndex = 0;
  const wss = new WebSocketServer({ noServer: true });

  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => void answerHttp(req, res, Buffer.concat(parts).toString('utf8')));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  function answerHttp(req: IncomingMessage, res: ServerResponse, body: string): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const keyOk = req.headers['ocp-apim-subscription-key'] === options.key;
    if (req.method === 'POST' && url.pathname === TOKEN_PATH) {
      tokenRequests.push({ headers: req.headers });
      if (!keyOk) return void deny(res);
      return void res.writeHead(200, { 'Content-Type': 'text/plain' }).end('eyJhbGciOiJ.local.token');
    }
    if (req.method === 'POST' && url.pathname === SYNTHESIS_PATH) {
      synthesisRequests.push({ url: req.url ?? '', headers: req.headers, body });
      if (!keyOk) return void deny(res);
      const format = String(req.headers['x-microsoft-outputformat'] ?? '');
      if (!String(req.headers['content-type'] ?? '').startsWith('application/ssml+xml') || !OUTPUT_FORMATS.has(format) || !req.headers['user-agent']) {
        return void res.writeHead(400, { 'Content-Type': 'text/plain' }).end('Bad request: headers');
      }
      // One voice element whose text holds no markup: a raw "<" or "&" would be parsed as XML and fail.
      const voice = /^<speak [^>]*version="1\.0"[^>]*>\s*<voice name="[^"<&]+">((?:[^<&]|&(?:amp|lt|gt|quot|apos);)*)<\/voice>\s*<\/speak>$/.exec(body.trim());
      if (!voice) return void res.writeHead(400, { 'Content-Type': 'text/plain' }).end('SSML is not well formed');
      res.writeHead(200, { 'Content-Type': 'audio/x-pcm', 'Transfer-Encoding': 'chunked' });
      return void streamAudio(res, options.speech ?? Buffer.alloc(0));
    }
    res.writeHead(404).end();
  }

  async function streamAudio(res: ServerResponse, audio: Buffer): Promise<void> {
    const piece = 4801; // odd, so samples straddle the pieces
    for (let offset = 0; offset < audio.length && !res.destroyed; offset += piece) {
      res.write(audio.subarray(offset, offset + piece));
      await new Promise((resolve) => setTimeout(resolve, options.pieceDelayMs ?? 2));
    }
    if (!res.destroyed) res.end();
  }

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const refuse = (status: number, reason: string): void => void socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Length: 0\r\n\r\n`);
    if (url.pathname !== RECOGNITION_PATH) return refuse(404, 'Not Found');
    if (req.headers['ocp-apim-subscription-key'] !== options.key) return refuse(401, 'Unauthorized');
    if (!url.searchParams.get('language')) return refuse(400, 'Bad Request');
    wss.handleUpgrade(req, socket, head, (ws) => recognise(ws, url, req.headers));
  });

  function recognise(ws: WebSocket, url: URL, headers: IncomingHttpHeaders): void {
    const recognition: FakeAzureRecognition = {
      url,
      headers,
      messages: [],
      heard: [],
      closed: new Promise((resolve) => ws.once('close', () => resolve())),
    };
    recognitions.push(recognition);
    let turn: { requestId: string; audio: Buffer[]; received: number; phrased: number; offset: number; started: boolean } | undefined;

    const send = (path: string, requestId: string, body: object): void => {
      const head = [`X-RequestId:${requestId}`, 'Content-Type:application/json; charset=utf-8', `Path:${path}`].join('\r\n');
      ws.send(`${head}\r\n\r\n${JSON.stringify(body)}`);
    };
    const phrase = (words: string[], offsetBytes: number, endBytes: number, requestId: string): void => {
      const display = words.length ? `${words.join(' ')}.` : '';
      send('speech.phrase', requestId, {
        RecognitionStatus: words.length ? 'Success' : 'NoMatch',
        Offset: Math.round(offsetBytes * TICKS_PER_BYTE),
        Duration: Math.round((endBytes - offsetBytes) * TICKS_PER_BYTE),
        ...(words.length
          ? { NBest: [{ Confidence: 0.92, Lexical: words.join(' ').toLowerCase(), ITN: words.join(' '), MaskedITN: words.join(' '), Display: display }] }
          : {}),
      });
    };

    ws.on('message', (data: RawData, isBinary: boolean) => {
      const message = parseMessage(data as Buffer, isBinary);
      recognition.messages.push(message);
      const path = message.headers['path'];
      const requestId = message.headers['x-requestid'] ?? '';
      if (path !== 'audio') return;
      const body = message.body as Buffer;
      if (!turn || turn.requestId !== requestId) {
        turn = { requestId, audio: [], received: 0, phrased: 0, offset: 0, started: false };
        send('turn.start', requestId, { context: { serviceTag: 'local' } });
      }
      const expected = options.script?.[turnIndex];
      if (body.length === 0) {
        const pcm = Buffer.concat(turn.audio);
        recognition.heard.push(pcm);
        const revealed = expected ? Math.floor(expected.words.length * Math.min(1, turn.received / expected.bytes)) : 0;
        if (revealed > turn.phrased || turn.phrased === 0) phrase(expected?.words.slice(turn.phrased, revealed) ?? [], turn.offset, turn.received, requestId);
        if (turn.started) send('speech.endDetected', requestId, { Offset: Math.round(turn.received * TICKS_PER_BYTE) });
        send('turn.end', requestId, {});
        turnIndex++;
        turn = undefined;
        return;
      }
      const pcm = body.subarray(0, 4).toString('latin1') === 'RIFF' ? body.subarray(44) : body;
      turn.audio.push(pcm);
      turn.received += pcm.length;
      if (!expected || pcm.length === 0) return;
      if (!turn.started) {
        turn.started = true;
        send('speech.startDetected', requestId, { Offset: 0 });
      }
      const revealed = Math.floor(expected.words.length * Math.min(1, turn.received / expected.bytes));
      if (revealed - turn.phrased >= 6) {
        phrase(expected.words.slice(turn.phrased, revealed), turn.offset, turn.received, requestId);
        turn.phrased = revealed;
        turn.offset = turn.received;
      } else if (revealed > turn.phrased) {
        send('speech.hypothesis', requestId, {
          Text: expected.words.slice(turn.phrased, revealed).join(' ').toLowerCase(),
          Offset: Math.round(turn.offset * TICKS_PER_BYTE),
          Duration: Math.round((turn.received - turn.offset) * TICKS_PER_BYTE),
        });
      }
    });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    recognitions,
    synthesisRequests,
    tokenRequests,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function deny(res: ServerResponse): void {
  res.writeHead(401, { 'Content-Type': 'application/json' }).end(
    JSON.stringify({
      error: {
        code: '401',
        message:
          'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.',
      },
    }),
  );
}

/** Splits a protocol message into its headers and body (text: blank line; binary: 2-byte length prefix). */
export function parseMessage(data: Buffer, isBinary: boolean): SpeechMessage {
  let head: string;
  let body: string | Buffer;
  if (isBinary) {
    const length = data.readUInt16BE(0);
    head = data.subarray(2, 2 + length).toString('ascii');
    body = data.subarray(2 + length);
  } else {
    const text = data.toString('utf8');
    const split = text.indexOf('\r\n\r\n');
    head = split < 0 ? text : text.slice(0, split);
    body = split < 0 ? '' : text.slice(split + 4);
  }
  const headers: Record<string, string> = {};
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, body };
}
