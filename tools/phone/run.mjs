#!/usr/bin/env node
// npm run phone: call your local voice-api as Twilio would, with no Twilio account. It signs the
// incoming-call webhook, opens the media WebSocket of the TwiML it gets back, speaks each --say
// sentence (espeak-ng) or a --wav file over Twilio's Media Streams protocol, and saves what the
// agent said to a WAV file (--out), playing it with aplay when --play is given and aplay exists.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BUILT = ['libs/testing/dist/twilio-caller.js', 'libs/agent/dist/audio/index.js', 'libs/agent/dist/testing/index.js'];
/** The development pair `npm run phone` signs with when TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN are unset. */
const DEV_SID = `AC${'0'.repeat(32)}`;
const DEV_TOKEN = 'dev-twilio-auth-token-change-me';

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: process.env.VOICE_API_URL ?? 'http://127.0.0.1:3002' },
    say: { type: 'string', multiple: true, default: [] },
    wav: { type: 'string' },
    out: { type: 'string', default: 'phone-call.wav' },
    from: { type: 'string', default: '+15550100100' },
    to: { type: 'string', default: '+15550100200' },
    play: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(`npm run phone -- [--say "sentence"]... [--wav caller.wav] [--out agent.wav] [--play] [--from +1555…] [--url http://127.0.0.1:3002]

Start voice-api with the same Twilio credentials first, e.g.
  TWILIO_ACCOUNT_SID=${DEV_SID} TWILIO_AUTH_TOKEN=${DEV_TOKEN} npm start
(this tool uses TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN from its environment, those values otherwise).`);
  process.exit(0);
}
const missing = BUILT.filter((f) => !existsSync(join(root, f)));
if (missing.length) {
  console.error(`Build first (missing ${missing.join(', ')}):\n  NX_DAEMON=false npx nx run-many -t build -p testing agent`);
  process.exit(1);
}
const load = (f) => import(pathToFileURL(join(root, f)).href);
const [{ postWebhook, connectStream, TwilioMediaStream, twilioSid }, audio, speech] = await Promise.all(BUILT.map(load));

const accountSid = process.env.TWILIO_ACCOUNT_SID || DEV_SID;
const authToken = process.env.TWILIO_AUTH_TOKEN || DEV_TOKEN;
const base = values.url.replace(/\/+$/, '');
const fields = {
  AccountSid: accountSid,
  ApiVersion: '2010-04-01',
  CallSid: twilioSid('CA'),
  CallStatus: 'ringing',
  Direction: 'inbound',
  From: values.from,
  Caller: values.from,
  To: values.to,
  Called: values.to,
};
// Signed for the URL voice-api believes it was called at: PUBLIC_URL when you set one.
const signedUrl = `${(process.env.PUBLIC_URL || base).replace(/\/+$/, '')}/v1/phone/twilio/voice`;
const answer = await postWebhook(`${base}/v1/phone/twilio/voice`, fields, { authToken, signedUrl });
if (answer.status !== 200) {
  console.error(`The webhook answered ${answer.status}: ${answer.text}\n(Is voice-api running with the same TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN?)`);
  process.exit(1);
}
if (!/<Stream/.test(answer.text)) {
  console.error(`voice-api did not connect the call: ${answer.text}`);
  process.exit(1);
}
const twiml = connectStream(answer.text);
const stream = await TwilioMediaStream.connect(twiml.url);
const ids = { accountSid, callSid: fields.CallSid };
stream.start({ ...ids, customParameters: twiml.parameters });
console.log(`calling as ${values.from}: call ${fields.CallSid}, stream ${twiml.url}`);

/** Waits until agent audio has come after `since` and then none for 1.2 s. */
async function agentDone(since, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const last = stream
      .media()
      .filter((r) => r.at > since)
      .at(-1)?.at;
    if (last !== undefined && performance.now() - last > 1200) return;
    if (Date.now() > deadline) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

await agentDone(0);
const turns = values.say.map((text) => ({ label: text, pcm: speech.speak(text) }));
if (values.wav) {
  const { samples, sampleRate } = audio.decodeWav(readFileSync(values.wav));
  turns.push({ label: values.wav, pcm: audio.resample(samples, sampleRate, 16000) });
}
for (const turn of turns) {
  console.log(`you: ${turn.label}`);
  await stream.speak(speech.concat(turn.pcm, speech.silence(900)));
  await agentDone(performance.now());
}
await stream.hangUp(ids);

const payloads = stream.media().map((r) => Buffer.from(r.message.media?.payload ?? '', 'base64'));
const agentAudio = audio.mulawDecode(Buffer.concat(payloads));
writeFileSync(values.out, audio.encodeWav(agentAudio, 8000));
console.log(`the agent spoke ${(agentAudio.length / 8000).toFixed(1)} s: saved to ${values.out}`);
if (values.play) {
  const played = spawnSync('aplay', ['-q', values.out], { stdio: 'inherit' });
  if (played.error) console.log('(aplay is not installed: open the WAV file with any player)');
}
