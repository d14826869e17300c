import { fingerprint, type CredentialProbe } from '@voice/agent/cloud';
import { AccessToken, AgentDispatchClient, RoomServiceClient } from 'livekit-server-sdk';

export interface LiveKitSettings {
  url: string;
  apiKey: string;
  apiSecret: string;
  /** Participant token lifetime (LIVEKIT_TOKEN_TTL). */
  tokenTtlSeconds: number;
  /** The agent name workers register under (LIVEKIT_AGENT_NAME). */
  agentName: string;
}

/** What the dispatched agent finds in its job metadata. */
export interface DispatchMetadata {
  sessionId: string;
  conversationId: string;
  userId: string;
}

export interface LiveKitConnection {
  type: 'livekit';
  url: string;
  room: string;
  token: string;
}

/** A room nobody joins (or everybody left) closes after this long. */
const EMPTY_TIMEOUT_SECONDS = 120;
/** The caller and the agent, plus one so a restarting agent can rejoin before the old one is dropped. */
const MAX_PARTICIPANTS = 3;
/** Session start should fail fast with 503 rather than wait on a slow LiveKit. */
const REQUEST_TIMEOUT_SECONDS = 5;

/** A LiveKit call that failed, with a message fit for a log line (never a key, secret or token). */
export class LiveKitError extends Error {
  /** The HTTP status when LiveKit answered (401: our key or secret was refused). */
  readonly status?: number;

  constructor(step: string, cause: unknown) {
    const c = cause as { status?: number; code?: string; message?: string; cause?: { code?: string } } | undefined;
    const detail = c?.status ? `${c.status}${c.code ? ` ${c.code}` : ''}: ${c.message ?? ''}` : (c?.cause?.code ?? c?.message ?? String(cause));
    super(`LiveKit ${step} failed (${detail})`);
    this.name = 'LiveKitError';
    this.status = c?.status;
  }
}

export const roomNameFor = (sessionId: string) => `session-${sessionId}`;
/** Not a session room name, so the credential probe never lists a real room. */
const CREDENTIAL_PROBE_ROOM = 'credential-probe';

/**
 * The LiveKit transport: a room per session, a participant token for the caller (joining that
 * room only), and an explicit dispatch of the agent with the session in its metadata.
 */
export class LiveKitRooms {
  private readonly rooms: RoomServiceClient;
  private readonly dispatch: AgentDispatchClient;

  constructor(private readonly settings: LiveKitSettings) {
    // No region failover: it only applies to *.livekit.cloud and would multiply the wait before the 503.
    const options = { requestTimeout: REQUEST_TIMEOUT_SECONDS, failover: false };
    this.rooms = new RoomServiceClient(settings.url, settings.apiKey, settings.apiSecret, options);
    this.dispatch = new AgentDispatchClient(settings.url, settings.apiKey, settings.apiSecret, options);
  }

  /** Creates the room, dispatches the agent and mints the caller's token; leaves no room behind on failure. */
  async open(meta: DispatchMetadata): Promise<LiveKitConnection> {
    const room = roomNameFor(meta.sessionId);
    try {
      await this.rooms.createRoom({ name: room, emptyTimeout: EMPTY_TIMEOUT_SECONDS, maxParticipants: MAX_PARTICIPANTS });
    } catch (err) {
      throw new LiveKitError('CreateRoom', err);
    }
    try {
      await this.dispatch.createDispatch(room, this.settings.agentName, { metadata: JSON.stringify(meta satisfies DispatchMetadata) });
    } catch (err) {
      await this.close(room).catch(() => undefined);
      throw new LiveKitError('CreateDispatch', err);
    }
    const token = new AccessToken(this.settings.apiKey, this.settings.apiSecret, { identity: meta.userId, ttl: this.settings.tokenTtlSeconds });
    token.addGrant({ roomJoin: true, room, canPublish: true, canSubscribe: true, canPublishData: true });
    return { type: 'livekit', url: this.settings.url, room, token: await token.toJwt() };
  }

  /**
   * ListRooms, the cheapest call that needs our key and secret, asking for one room that never
   * exists so a busy server answers with an empty list.
   */
  credentialProbe(): CredentialProbe {
    return {
      provider: 'LiveKit',
      id: `LiveKit ${this.settings.url} ${fingerprint(`${this.settings.apiKey}:${this.settings.apiSecret}`)}`,
      verify: async () => {
        try {
          await this.rooms.listRooms([CREDENTIAL_PROBE_ROOM]);
        } catch (err) {
          throw new LiveKitError('ListRooms', err);
        }
      },
    };
  }

  /** Deletes the room, which disconnects the caller and the agent. */
  async close(room: string): Promise<void> {
    try {
      await this.rooms.deleteRoom(room);
    } catch (err) {
      throw new LiveKitError('DeleteRoom', err);
    }
  }
}
