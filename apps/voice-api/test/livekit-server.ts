import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { jwtVerify } from 'jose';

/** One Twirp call as the server received it, after its credentials were checked. */
export interface TwirpCall {
  service: string;
  method: string;
  contentType: string | undefined;
  body: Record<string, unknown>;
  /** The bearer token as sent. */
  token: string;
  /** Its verified claims (`video` holds the grant). */
  claims: Record<string, unknown> & { iss?: string; video?: Record<string, unknown> };
}

type VideoGrant = Record<string, unknown>;

/**
 * What each RPC needs in the caller's video grant, as LiveKit's server enforces it:
 * CreateRoom and DeleteRoom need roomCreate; ListRooms needs roomList; CreateDispatch needs roomAdmin
 * for the named room.
 */
const REQUIRED: Record<string, (grant: VideoGrant, body: Record<string, unknown>) => boolean> = {
  'RoomService/ListRooms': (g) => g.roomList === true,
  'RoomService/CreateRoom': (g) => g.roomCreate === true,
  'RoomService/DeleteRoom': (g) => g.roomCreate === true,
  'AgentDispatchService/CreateDispatch': (g, body) => g.roomAdmin === true && g.room === body.room,
};

/**
 * A local server speaking the part of LiveKit's server API (Twirp over HTTP, JSON bodies) that
 * voice-api uses: POST /twirp/livekit.<Service>/<Method> with `Authorization: Bearer <JWT>`, the JWT
 * signed HS256 with the API secret, issued by the API key, carrying a video grant. A wrong
 * signature, issuer or grant gets Twirp's 401 `unauthenticated` error, as LiveKit answers.
 */
export class FakeLiveKitServer {
  readonly calls: TwirpCall[] = [];
  readonly rejected: { path: string; reason: string }[] = [];
  readonly rooms = new Map<string, Record<string, unknown>>();
  /** Makes the next calls of `Service/Method` fail with this HTTP status and Twirp code. */
  failures = new Map<string, { status: number; code: string }>();
  private server: Server;
  url = '';

  constructor(
    private readonly apiKey: string,
    private readonly apiSecret: string,
  ) {
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const path = req.url ?? '';
    const twirpError = (status: number, code: string, msg: string) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ code, msg }));

    const match = /^\/twirp\/livekit\.(\w+)\/(\w+)$/.exec(path);
    if (req.method !== 'POST' || !match) return twirpError(404, 'bad_route', `no handler for ${req.method} ${path}`);
    const rpc = `${match[1]}/${match[2]}`;
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return twirpError(400, 'malformed', 'the request body is not JSON');
    }

    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    let claims: TwirpCall['claims'];
    try {
      if (!token) throw new Error('no bearer token');
      ({ payload: claims } = await jwtVerify(token, new TextEncoder().encode(this.apiSecret), { issuer: this.apiKey, algorithms: ['HS256'] }));
    } catch (err) {
      this.rejected.push({ path, reason: (err as Error).message });
      return twirpError(401, 'unauthenticated', 'invalid token');
    }
    const allowed = REQUIRED[rpc];
    if (!allowed || !allowed(claims.video ?? {}, body)) {
      this.rejected.push({ path, reason: `grant ${JSON.stringify(claims.video)} does not allow ${rpc}` });
      return twirpError(401, 'unauthenticated', 'permissions denied');
    }
    this.calls.push({ service: match[1], method: match[2], contentType: req.headers['content-type'], body, token, claims });

    const failure = this.failures.get(rpc);
    if (failure) return twirpError(failure.status, failure.code, `${rpc} failed on purpose`);
    const json = (payload: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
    switch (rpc) {
      case 'RoomService/CreateRoom': {
        const room = { sid: `RM_${this.rooms.size + 1}`, creationTime: String(Math.floor(Date.now() / 1000)), ...body };
        this.rooms.set(String(body.name), room);
        return json(room);
      }
      case 'RoomService/ListRooms': {
        const names = Array.isArray(body.names) && body.names.length ? body.names.map(String) : [...this.rooms.keys()];
        return json({ rooms: names.flatMap((name) => this.rooms.get(name) ?? []) });
      }
      case 'RoomService/DeleteRoom':
        this.rooms.delete(String(body.room));
        return json({});
      default:
        return json({ id: `AD_${this.calls.length}`, agentName: body.agentName, room: body.room, metadata: body.metadata, state: {} });
    }
  }
}
