import type { Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';

/**
 * A microphone the test speaks into on cue, for conversations that answer the agent: Chromium's
 * fake capture device plays one file in a loop and cannot wait for the agent's question. The page's
 * `getUserMedia` answers with a Web Audio stream instead, and `say()` plays espeak-ng speech into it
 * at the moment the test chooses. Everything after the microphone is the web app's own: its capture
 * worklet, the transport, voice-api's pipeline.
 */
export class SpokenMicrophone {
  private constructor(private readonly page: Page) {}

  /** Installs the microphone before any of the page's scripts run (call before the first navigation). */
  static async install(page: Page): Promise<SpokenMicrophone> {
    await page.addInitScript(() => {
      let context: AudioContext | undefined;
      let destination: MediaStreamAudioDestinationNode | undefined;
      const open = async (): Promise<MediaStreamAudioDestinationNode> => {
        context ??= new AudioContext({ sampleRate: 48_000 });
        destination ??= context.createMediaStreamDestination();
        await context.resume();
        return destination;
      };
      const original = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
      navigator.mediaDevices.getUserMedia = async (constraints) => {
        if (!constraints?.audio) return original(constraints);
        // A clone per call: the app stops its tracks when a call ends, and the next call needs a live one.
        return new MediaStream((await open()).stream.getAudioTracks().map((track) => track.clone()));
      };
      (window as unknown as { __say: (base64: string) => Promise<void> }).__say = async (base64) => {
        const out = await open();
        const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
        const pcm = new Int16Array(bytes.buffer);
        const buffer = (context as AudioContext).createBuffer(1, pcm.length, 48_000);
        buffer.getChannelData(0).set(Float32Array.from(pcm, (v) => v / 32768));
        const source = (context as AudioContext).createBufferSource();
        source.buffer = buffer;
        source.connect(out);
        await new Promise<void>((resolve) => {
          source.onended = () => resolve();
          source.start();
        });
      };
    });
    return new SpokenMicrophone(page);
  }

  /** Speaks `text` (espeak-ng `voice` at `wpm`) into the microphone and resolves when it has been played. */
  async say(text: string, voice = 'en-us', wpm = 150): Promise<void> {
    const wav = execFileSync('espeak-ng', ['-v', voice, '-s', String(wpm), '--stdout', '--', text]);
    const pcm = execFileSync('sox', ['-t', 'wav', '-', '-t', 'raw', '-r', '48000', '-c', '1', '-b', '16', '-e', 'signed-integer', '-L', '-'], { input: wav });
    await this.page.evaluate((base64) => (window as unknown as { __say: (b: string) => Promise<void> }).__say(base64), pcm.toString('base64'));
  }
}
