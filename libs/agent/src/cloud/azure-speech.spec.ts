import { AzureSpeechStt } from '../stt/azure-speech-stt';
import { AzureSpeechTts } from '../tts/azure-speech-tts';
import { startFakeAzureSpeech, type FakeAzureSpeech } from '../testing/fake-azure-speech';
import { azureSpeechUrls, type AzureSpeechOptions } from './azure-speech';
import { CredentialCache } from './credential-cache';
import { runCredentialProbe, type CredentialProbe } from './credential-probe';
import { startLocalServer, type LocalServer } from './testing/local-server';

const KEY = 'azure-test-key-0123456789abcdef';
const WRONG = 'azure-wrong-key-999999';

describe('Azure Speech endpoints', () => {
  it('uses the documented regional hosts for a region', () => {
    expect(azureSpeechUrls({ region: 'EastUS' })).toEqual({
      recognition: 'wss://eastus.stt.speech.microsoft.com/speech/recognition/conversation/cognitiveservices/v1',
      synthesis: 'https://eastus.tts.speech.microsoft.com/cognitiveservices/v1',
      token: 'https://eastus.api.cognitive.microsoft.com/sts/v1.0/issueToken',
    });
  });

  it("puts the service under the path of a resource's own endpoint, which wins over the region", () => {
    expect(azureSpeechUrls({ region: 'eastus', endpoint: 'https://my-speech.cognitiveservices.azure.com/' })).toEqual({
      recognition: 'wss://my-speech.cognitiveservices.azure.com/stt/speech/recognition/conversation/cognitiveservices/v1',
      synthesis: 'https://my-speech.cognitiveservices.azure.com/tts/cognitiveservices/v1',
      token: 'https://my-speech.cognitiveservices.azure.com/sts/v1.0/issueToken',
    });
    expect(azureSpeechUrls({ endpoint: 'http://127.0.0.1:5000' }).recognition).toBe(
      'ws://127.0.0.1:5000/stt/speech/recognition/conversation/cognitiveservices/v1',
    );
  });

  it('refuses a region that is not a region name, and neither region nor endpoint', () => {
    expect(() => azureSpeechUrls({ region: 'east.us/evil' })).toThrow('Azure Speech: region "east.us/evil" is not an Azure region name');
    expect(() => azureSpeechUrls({})).toThrow('Azure Speech: region or endpoint missing');
  });
});

describe("Azure Speech credential probe (against a local server speaking Azure Speech's token API)", () => {
  let fake: FakeAzureSpeech | undefined;
  let server: LocalServer | undefined;
  afterEach(async () => {
    await fake?.close();
    await server?.close();
    fake = server = undefined;
  });

  const probeOf = (options: AzureSpeechOptions) => {
    const probe = new AzureSpeechStt(options).credentialProbe();
    if (!probe) throw new Error('expected a credential probe');
    return probe;
  };

  it('asks for a token: "credential accepted" for a key Azure takes, "credential rejected (401)" for one it refuses, never showing the key', async () => {
    fake = await startFakeAzureSpeech({ key: KEY });
    expect(await runCredentialProbe(probeOf({ key: KEY, endpoint: fake.endpoint }))).toEqual({
      outcome: 'accepted',
      detail: 'Azure Speech: credential accepted',
    });
    const rejected = await runCredentialProbe(probeOf({ key: WRONG, endpoint: fake.endpoint }));
    expect(rejected).toEqual({ outcome: 'rejected', detail: 'Azure Speech: credential rejected (401)' });
    expect(fake.tokenRequests.map((r) => r.headers['ocp-apim-subscription-key'])).toEqual([KEY, WRONG]);
    expect(probeOf({ key: KEY, endpoint: fake.endpoint }).id).not.toContain(KEY);
  });

  it('gives the STT and the TTS of one resource one probe id, so one token request answers both; another key or resource is another question', async () => {
    fake = await startFakeAzureSpeech({ key: KEY });
    const options = { key: KEY, endpoint: fake.endpoint };
    const stt = new AzureSpeechStt({ ...options, language: 'de-DE' }).credentialProbe();
    const tts = new AzureSpeechTts({ ...options, voice: 'en-GB-SoniaNeural' }).credentialProbe();
    expect(stt?.id).toBe(tts?.id);
    expect(probeOf({ ...options, key: WRONG }).id).not.toBe(stt?.id);
    expect(probeOf({ key: KEY, region: 'eastus' }).id).not.toBe(stt?.id);

    const cache = new CredentialCache();
    const verdicts = await Promise.all([stt, tts, stt].map((probe) => cache.verdict(probe as CredentialProbe)));
    expect(verdicts.map((v) => v.outcome)).toEqual(['accepted', 'accepted', 'accepted']);
    expect(fake.tokenRequests).toHaveLength(1);
  });

  it('reports an unreachable or failing service as unavailable, with the reason and without the key', async () => {
    server = await startLocalServer((_req, res) => void res.writeHead(503, { 'Content-Type': 'text/plain' }).end(`overloaded ${KEY}`));
    expect(await runCredentialProbe(probeOf({ key: KEY, endpoint: server.origin }))).toEqual({
      outcome: 'unavailable',
      detail: 'Azure Speech: 503 overloaded ***',
    });
    const origin = server.origin;
    await server.close();
    server = undefined;
    const gone = await runCredentialProbe(probeOf({ key: KEY, endpoint: origin }));
    expect(gone).toEqual({ outcome: 'unavailable', detail: expect.stringMatching(/^Azure Speech: cannot reach http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)$/) });
  });

  it('has no probe without a key or a resource to ask, which check() reports instead', async () => {
    expect(new AzureSpeechStt({ region: 'eastus' }).credentialProbe()).toBeUndefined();
    expect(new AzureSpeechTts({ key: KEY }).credentialProbe()).toBeUndefined();
    expect(await new AzureSpeechStt({ region: 'eastus' }).check()).toEqual({ status: 'down', detail: 'Azure Speech STT: key missing (AZURE_SPEECH_KEY)' });
    expect(await new AzureSpeechTts({ key: KEY }).check()).toEqual({ status: 'down', detail: 'Azure Speech TTS: region or endpoint missing' });
  });
});
