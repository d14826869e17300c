// What the web app's microphone capture really hands the WebSocket transport: Debian's Chromium plays a
// WAV as its fake microphone, a page opens it with getUserMedia and the constraints under test, and the
// web app's own capture worklet (apps/web/public/worklets/capture.js) turns it into 16 kHz PCM16 in a
// 16 kHz AudioContext, as apps/web/src/lib/voice/websocket-transport.ts does. Chromium's WebRTC audio
// processing (echo cancellation, noise suppression, automatic gain control) runs on the fake device as
// it would on a real one.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';

const CHROMIUM = '/usr/bin/chromium';
const SAMPLE_RATE = 16_000;

const PAGE = `<!doctype html><meta charset="utf-8"><title>capture</title><script>
window.startCapture = async (constraints) => {
  const stream = await navigator.mediaDevices.getUserMedia({ audio: { channelCount: 1, ...constraints } });
  const ctx = new AudioContext({ sampleRate: ${SAMPLE_RATE}, latencyHint: 'interactive' });
  await ctx.audioWorklet.addModule('/capture.js');
  const node = new AudioWorkletNode(ctx, 'capture');
  const frames = [];
  node.port.onmessage = (e) => frames.push(new Int16Array(e.data.frame));
  ctx.createMediaStreamSource(stream).connect(node);
  window.stopCapture = async () => {
    stream.getTracks().forEach((t) => t.stop());
    await ctx.close();
    const all = new Int16Array(frames.reduce((n, f) => n + f.length, 0));
    let at = 0;
    for (const f of frames) all.set(f, at), (at += f.length);
    let text = '';
    const bytes = new Uint8Array(all.buffer);
    for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(text);
  };
  return stream.getAudioTracks()[0].getSettings();
};
</script>`;

/** Serves the page and the web app's capture worklet on loopback (getUserMedia needs a secure context). */
async function servePage(root) {
  const worklet = readFileSync(join(root, 'apps/web/public/worklets/capture.js'));
  const server = createServer((req, res) => {
    if (req.url === '/capture.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(worklet);
    else res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}/`, close: () => server.close() };
}

/**
 * Plays `wav` once through Chromium's fake microphone opened with `constraints` and returns what the
 * capture worklet produced (16 kHz PCM16), starting when the microphone opened, `durationMs` long at
 * least, and the track settings Chromium reports.
 */
export async function captureThroughChromium(root, wav, constraints, durationMs) {
  const { chromium } = await import('playwright');
  const page = await servePage(root);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-audio-capture=${wav}%noloop`,
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
  try {
    const tab = await browser.newPage();
    await tab.goto(page.url);
    const settings = await tab.evaluate((c) => window.startCapture(c), constraints);
    await new Promise((resolve) => setTimeout(resolve, durationMs));
    const base64 = await tab.evaluate(() => window.stopCapture());
    const bytes = Buffer.from(base64, 'base64');
    return { pcm: new Int16Array(bytes.buffer, bytes.byteOffset, bytes.length / 2), settings };
  } finally {
    await browser.close();
    page.close();
  }
}

/** A mono 16-bit PCM WAV file's bytes. */
export function wavBytes(pcm, rate) {
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + pcm.length * 2, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(pcm.length * 2, 40);
  return Buffer.concat([header, Buffer.from(pcm.buffer, pcm.byteOffset, pcm.length * 2)]);
}
