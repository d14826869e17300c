import { Appointment, Call, ConversationDetail, Doctor, Patient, SlotsResponse } from '@voice/contracts/persistence';
import { connectStream, postWebhook, TwilioMediaStream, twilioSid } from '@voice/testing/twilio-caller';
import { randomInt } from 'node:crypto';
import { z } from 'zod';
import { PersistenceClient } from '../src/persistence/persistence-client';
import { logLines, type VoiceApi } from './voice-api';

/**
 * The Twilio account the phone tests configure voice-api with (made up), and a REST API address that
 * refuses connections: no Twilio is ever reached (a test that checks the REST calls starts a stand-in).
 */
export const TEST_TWILIO = {
  TWILIO_ACCOUNT_SID: `AC${'0123456789abcdef'.repeat(2)}`,
  TWILIO_AUTH_TOKEN: 'test-twilio-auth-token-0123456789',
  TWILIO_API_URL: 'http://127.0.0.1:1',
};

/** The fields of Twilio's "A call comes in" webhook, as documented, for a call to the clinic's number. */
export const incomingCall = (o: Partial<Record<string, string>> = {}): Record<string, string> => ({
  AccountSid: TEST_TWILIO.TWILIO_ACCOUNT_SID,
  ApiVersion: '2010-04-01',
  CallSid: twilioSid('CA'),
  CallStatus: 'ringing',
  Called: '+15550001111',
  Caller: '+15557654321',
  Direction: 'inbound',
  From: '+15557654321',
  To: '+15550001111',
  ...o,
});

/** Twilio answering a call: the signed webhook, then the media WebSocket its TwiML names, with `connected` and `start`. */
export async function placeCall(api: { url: string }, o: { from?: string; start?: boolean } = {}) {
  // A number of its own: at most PHONE_MAX_CALLS_PER_NUMBER calls at once come from one number.
  const from = o.from ?? `+1555${randomInt(1_000_000, 9_999_999)}`;
  const fields = incomingCall({ From: from, Caller: from });
  const answer = await postWebhook(`${api.url}/v1/phone/twilio/voice`, fields, { authToken: TEST_TWILIO.TWILIO_AUTH_TOKEN });
  if (answer.status !== 200) throw new Error(`the webhook answered ${answer.status}: ${answer.text}`);
  const twiml = connectStream(answer.text);
  const stream = await TwilioMediaStream.connect(twiml.url);
  const ids = { accountSid: fields.AccountSid, callSid: fields.CallSid };
  if (o.start !== false) stream.start({ ...ids, customParameters: twiml.parameters });
  return { fields, ids, twiml, stream };
}

/** Resolves once agent audio has come after `since` (performance.now()) and then none for `quietMs`: the agent finished speaking. */
export async function agentFinished(stream: TwilioMediaStream, since: number, quietMs = 1200, timeoutMs = 30_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const media = stream.media().filter((r) => r.at > since);
    const last = media.at(-1)?.at;
    if (last !== undefined && performance.now() - last >= quietMs) return;
    if (performance.now() > deadline) throw new Error(`the agent did not finish speaking within ${timeoutMs} ms (${media.length} audio messages)`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Reads a conversation as voice-api does (its service credential): phone conversations belong to no user. */
export function phoneConversation(api: VoiceApi, id: string): Promise<ConversationDetail> {
  return api.app.get(PersistenceClient).request('GET', `/v1/conversations/${id}`, { schema: ConversationDetail });
}

/** The conversation id voice-api logged when the call's stream connected. */
export function conversationIdOf(api: VoiceApi, callSid: string): string | undefined {
  return logLines(api.logs, /^phone call connected$/).find((l) => l.callSid === callSid)?.conversationId as string | undefined;
}

/**
 * Makes `phone` a patient of the clinic named `name`, with one appointment (with a doctor other than
 * Dr. Carmen Lopez), as an earlier call would have: a caller known by number books as that patient.
 */
export async function returningPatient(api: VoiceApi, phone: string, name: string): Promise<Patient> {
  const client = api.app.get(PersistenceClient);
  const doctors = await client.request('GET', '/v1/clinic/doctors', { schema: z.array(Doctor) });
  const doctor = doctors.find((d) => d.name !== 'Dr. Carmen Lopez') ?? doctors[0];
  for (let day = 1; day <= 14; day++) {
    const date = new Date(Date.now() + day * 86_400_000).toISOString().slice(0, 10);
    const { slots } = await client.request('GET', `/v1/clinic/doctors/${doctor.id}/slots`, { schema: SlotsResponse, query: { date } });
    if (!slots.length) continue;
    await client.request('POST', '/v1/clinic/appointments', {
      schema: Appointment,
      body: { doctorId: doctor.id, startsAt: slots[0].startsAt, patient: { name, phone } },
    });
    const [patient] = await client.request('GET', '/v1/clinic/patients', { schema: z.array(Patient), query: { phone } });
    return patient;
  }
  throw new Error(`${doctor.name} has no free slot in the next two weeks`);
}

/** The call record persistence-api holds for a Twilio call (POST /v1/calls finds an existing one by its call SID). */
export function callRecord(api: VoiceApi, fields: Record<string, string>): Promise<Call> {
  const body = { provider: 'twilio', providerCallId: fields.CallSid, direction: 'inbound', from: fields.From, to: fields.To } as const;
  return api.app.get(PersistenceClient).request('POST', '/v1/calls', { schema: Call, body });
}
