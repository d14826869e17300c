// First: a job process traces its call (voice.call and voice.turn spans, the turn latency metric) itself.
import '../telemetry';
import { AutoSubscribe, defineAgent, log, type JobContext } from '@livekit/agents';
import {
  AudioSource,
  AudioStream,
  LocalAudioTrack,
  RoomEvent,
  TrackKind,
  TrackPublishOptions,
  TrackSource,
  type RemoteParticipant,
  type RemoteTrack,
  type Room,
} from '@livekit/rtc-node';
import { ConfigError } from '@voice/config/core';
import { shutdownTelemetry } from '@voice/server-kit/telemetry';
import { loadVoiceApiConfig, type VoiceApiConfig } from '@voice/config/voice-api';
import { MEDIA_FRAME_MS, MEDIA_SAMPLE_RATE } from '@voice/contracts/media';
import type { VoiceCall } from '../call/voice-call';
import { domainAgentNames } from '../domain';
import { parseJobMetadata } from './job-metadata';
import { LiveKitBridge } from './livekit-bridge';
import { LiveKitJob } from './livekit-job';

/** How long the agent waits in the room for the caller before giving up on the call. */
const CALLER_JOIN_TIMEOUT_MS = 60_000;
/** Agent audio the source may hold: the pipeline paces frames itself, this only absorbs jitter. */
const SOURCE_QUEUE_MS = 500;
/** How long the greeting waits for the caller to subscribe to the agent's voice. */
const CALLER_SUBSCRIBE_WAIT_MS = 3_000;

/**
 * The LiveKit job: one dispatched agent in one room (`session-<id>`), talking with the caller whose
 * identity is the job's userId. Runs in a job process forked by the worker (worker-runner.ts),
 * which loads this file's compiled form by path.
 */
async function entry(ctx: JobContext): Promise<void> {
  const parsed = parseJobMetadata(ctx.job.metadata, domainAgentNames);
  if (!parsed.ok) {
    log().error({ jobId: ctx.job.id, room: ctx.job.room?.name }, `refusing the job: ${parsed.problem}`);
    ctx.shutdown('invalid job metadata');
    return;
  }
  const meta = parsed.metadata;
  const logger = log().child({ jobId: ctx.job.id, sessionId: meta.sessionId, conversationId: meta.conversationId });
  let config: VoiceApiConfig;
  try {
    config = loadVoiceApiConfig();
  } catch (err) {
    logger.error({}, err instanceof ConfigError ? err.message : `cannot load the configuration: ${String(err)}`);
    ctx.shutdown('invalid configuration');
    return;
  }

  const job = await LiveKitJob.open(config, logger);
  /** Set once the room is joined and the call is open. */
  const live: { call?: VoiceCall; bridge?: LiveKitBridge } = {};
  let over = false;
  const hangUp = (reason: string) => {
    if (over) return;
    over = true;
    void (live.call ? live.call.end(reason) : job.endConversation(meta.conversationId))
      .catch((err: unknown) => logger.error({ err: (err as Error).message }, 'ending the call failed'))
      .finally(() => ctx.shutdown(reason));
  };
  const source = new AudioSource(MEDIA_SAMPLE_RATE, 1, SOURCE_QUEUE_MS);
  const timeLimit = setTimeout(() => hangUp('session time limit'), config.SESSION_MAX_MINUTES * 60_000);
  timeLimit.unref();
  ctx.addShutdownCallback(async () => {
    clearTimeout(timeLimit);
    // Leaving is not ending: when the worker shuts down, LiveKit may hand the call to another worker.
    await live.call?.release();
    await live.bridge?.close();
    await job.close();
    await source.close();
    await shutdownTelemetry();
  });

  await ctx.connect(undefined, AutoSubscribe.AUDIO_ONLY);
  const room = roomOf(ctx);
  room.on(RoomEvent.ParticipantDisconnected, (p: RemoteParticipant) => {
    if (p.identity === meta.userId && room.isConnected) hangUp('caller left');
  });

  const caller = await waitForCaller(room, meta.userId);
  if (!caller) {
    if (!room.isConnected) return; // the room closed (session ended): the job is shutting down already
    logger.warn({ waitedMs: CALLER_JOIN_TIMEOUT_MS }, 'the caller never joined the room');
    return hangUp('caller never joined');
  }

  const local = room.localParticipant;
  if (!local) throw new Error('connected to the room without a local participant');
  const heard = firstOf(room, RoomEvent.LocalTrackSubscribed, CALLER_SUBSCRIBE_WAIT_MS);
  await local.publishTrack(LocalAudioTrack.createAudioTrack('agent-voice', source), new TrackPublishOptions({ source: TrackSource.SOURCE_MICROPHONE }));

  const port = new LiveKitBridge({ callerIdentity: meta.userId, audioOut: source, dataOut: local, log: logger, onStop: hangUp });
  live.bridge = port;
  room.on(RoomEvent.DataReceived, (payload, participant, _kind, topic) => port.receiveData(payload, participant?.identity, topic));
  let listening: string | undefined;
  const listen = (track: RemoteTrack | undefined) => {
    if (!track || track.kind !== TrackKind.KIND_AUDIO || track.sid === listening) return;
    listening = track.sid;
    const stream = new AudioStream(track, { sampleRate: MEDIA_SAMPLE_RATE, numChannels: 1, frameSizeMs: MEDIA_FRAME_MS });
    port.pumpAudio(stream).catch((err: unknown) => logger.warn({ err: (err as Error).message }, 'caller audio stream failed'));
  };
  room.on(RoomEvent.TrackSubscribed, (track, _publication, participant) => {
    if (participant.identity === meta.userId) listen(track);
  });
  for (const publication of caller.trackPublications.values()) listen(publication.track as RemoteTrack | undefined);

  // The greeting waits (briefly) for the caller to subscribe to the agent's voice, so its start is heard.
  const [opened] = await Promise.all([
    job.openCall({ sessionId: meta.sessionId, conversationId: meta.conversationId, caller: { userId: meta.userId }, agent: parsed.agent }, port),
    heard,
  ]);
  live.call = opened;
  if (over) return void (await opened.release());
  port.attach(opened);
  opened.announce();
  opened.start();
  logger.info({ agent: opened.agent }, 'agent joined the call');
}

/**
 * The job's room, typed with rtc-node's CommonJS declarations like the rest of this file.
 * @livekit/agents' CommonJS typings refer to rtc-node's ESM declarations, which TypeScript treats
 * as different classes; at run time both name the one CommonJS module the job process loaded.
 */
const roomOf = (ctx: JobContext) => ctx.room as unknown as Room;

/** Resolves on the room's next `event`, or after `ms` without one. */
function firstOf(room: Room, event: RoomEvent, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      room.off(event, done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    room.on(event, done);
  });
}

/** The caller's participant, or undefined when they do not join in time (or the room closes first). */
function waitForCaller(room: Room, identity: string): Promise<RemoteParticipant | undefined> {
  const present = [...room.remoteParticipants.values()].find((p) => p.identity === identity);
  if (present) return Promise.resolve(present);
  return new Promise((resolve) => {
    const done = (participant?: RemoteParticipant) => {
      clearTimeout(timer);
      room.off(RoomEvent.ParticipantConnected, onJoin);
      room.off(RoomEvent.Disconnected, onClose);
      resolve(participant);
    };
    const onJoin = (participant: RemoteParticipant) => {
      if (participant.identity === identity) done(participant);
    };
    const onClose = () => done();
    const timer = setTimeout(() => done(), CALLER_JOIN_TIMEOUT_MS);
    room.on(RoomEvent.ParticipantConnected, onJoin);
    room.on(RoomEvent.Disconnected, onClose);
  });
}

export default defineAgent({ entry });
