import { decodeWav } from '@voice/agent/audio';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { conversationIdOf, phoneConversation } from '../../test/twilio';
import { eventually } from '../../test/users';
import { logLines, startVoiceApi, type VoiceApi } from '../../test/voice-api';

jest.setTimeout(90_000);

const ROOT = join(__dirname, '..', '..', '..', '..');
const DEV = { TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`, TWILIO_AUTH_TOKEN: 'dev-twilio-auth-token-change-me', TWILIO_API_URL: 'http://127.0.0.1:1' };

function runTool(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'tools', 'phone', 'run.mjs'), ...args], { env: { PATH: process.env.PATH ?? '' } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => resolve({ code, out }));
  });
}

describe('npm run phone (tools/phone): a call to a local voice-api with no Twilio account', () => {
  let api: VoiceApi;
  let dir: string;
  beforeAll(async () => {
    api = await startVoiceApi(DEV);
    dir = mkdtempSync(join(tmpdir(), 'phone-tool-'));
  });
  afterAll(async () => {
    await api?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('speaks a sentence over the real protocol and saves what the agent said', async () => {
    const out = join(dir, 'agent.wav');
    const { code, out: printed } = await runTool(['--url', api.url, '--say', 'what are your opening hours', '--out', out]);
    expect(printed).toMatch(/you: what are your opening hours/);
    expect(code).toBe(0);
    const wav = decodeWav(readFileSync(out));
    expect(wav.sampleRate).toBe(8000);
    expect(wav.samples.length / 8000).toBeGreaterThan(5);
    const callSid = /call (CA[0-9a-f]{32})/.exec(printed)?.[1] as string;
    const conversation = await eventually(async () => {
      const found = await phoneConversation(api, conversationIdOf(api, callSid) as string);
      expect(found.status).toBe('ended');
      return found;
    });
    expect(conversation.messages.map((m) => m.role)).toEqual(['agent', 'user', 'agent']);
    expect(conversation.messages[2].text).toMatch(/open Monday to Friday/);
    expect(logLines(api.logs, /refused a phone webhook/)).toEqual([]);
  });
});
