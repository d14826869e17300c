import { AzureSpeechStt } from '../stt/azure-speech-stt';
import { AzureSpeechTts } from '../tts/azure-speech-tts';
import { AzureSpeechKeyCheck, azureSpeechUrls, verifyAzureSpeechKey } from './azure-speech';
import { startFakeAzureSpeech, type FakeAzureSpeech } from '../testing/fake-azure-speech';
import { startLocalServer, type LocalServer } from './testing/local-server';

const KEY = 'azure-test-key-0123456789abcdef';

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

describe("Azure Speech key check (against a local server speaking Azure Speech's token API)", () => {
  let fake: FakeAzureSpeech | undefined;
  let server: LocalServer | undefined;
  afterEach(async () => {
    await fake?.close();
    await server?.close();
    fake = server = undefined;
  });

  it('says "key accepted" for a key the token endpoint takes and "rejected (401)" for one it refuses, never showing the key', async () => {
    fake = await startFakeAzureSpeech({ key: KEY });
    expect(await verifyAzureSpeechKey({ key: KEY, endpoint: fake.endpoint })).toEqual({
      status: 'up',
      detail: `azure speech: key accepted (endpoint ${fake.endpoint})`,
    });
    const rejected = await verifyAzureSpeechKey({ key: 'azure-wrong-key-999999', endpoint: fake.endpoint });
    expect(rejected).toEqual({ status: 'down', detail: `azure speech: key rejected (401) by endpoint ${fake.endpoint}` });
    expect(fake.tokenRequests.map((r) => r.headers['ocp-apim-subscription-key'])).toEqual([KEY, 'azure-wrong-key-999999']);
    expect(await verifyAzureSpeechKey({ endpoint: fake.endpoint })).toEqual({ status: 'down', detail: 'azure speech: key missing (AZURE_SPEECH_KEY)' });
  });

  it('reports an unreachable or failing service as "cannot verify", with the reason and without the key', async () => {
    server = await startLocalServer((_req, res) => void res.writeHead(503, { 'Content-Type': 'text/plain' }).end(`overloaded ${KEY}`));
    const failing = await verifyAzureSpeechKey({ key: KEY, endpoint: server.origin });
    expect(failing).toEqual({ status: 'down', detail: 'azure speech: cannot verify the key (503 overloaded ***)' });
    await server.close();
    const gone = await verifyAzureSpeechKey({ key: KEY, endpoint: server.origin });
    server = undefined;
    expect(gone.status).toBe('down');
    expect(gone.detail).toMatch(/^azure speech: cannot verify the key \(cannot reach http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)\)$/);
  });

  it('asks Azure once for the STT and the TTS of one resource, and again once the answer is old', async () => {
    fake = await startFakeAzureSpeech({ key: KEY });
    const options = { key: KEY, endpoint: fake.endpoint };
    const keyCheck = new AzureSpeechKeyCheck(options, 60_000, 1000);
    const stt = new AzureSpeechStt({ ...options, keyCheck });
    const tts = new AzureSpeechTts({ ...options, keyCheck });

    const now = jest.spyOn(Date, 'now');
    try {
      now.mockReturnValue(1_000_000);
      await Promise.all([stt.check(), tts.check(), stt.check()]);
      expect(fake.tokenRequests).toHaveLength(1);
      now.mockReturnValue(1_059_000);
      expect(await tts.check()).toMatchObject({ status: 'up' });
      expect(fake.tokenRequests).toHaveLength(1);
      now.mockReturnValue(1_061_000);
      expect(await tts.check()).toMatchObject({ status: 'up' });
      expect(fake.tokenRequests).toHaveLength(2);
    } finally {
      now.mockRestore();
    }
  });
});
