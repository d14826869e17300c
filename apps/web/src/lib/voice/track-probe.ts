import { MEDIA_SAMPLE_RATE } from '@voice/contracts/media';

/**
 * Measures a WebRTC track every 50 ms: its level (RMS, 0..1) and how many samples (at
 * MEDIA_SAMPLE_RATE) passed. LiveKit captures and plays through WebRTC rather than the worklets,
 * so this is how its calls get the level meter and the played-audio count.
 */
export function probeTrack(ctx: AudioContext, track: MediaStreamTrack, onTick: (level: number, samples: number) => void): () => void {
  const source = ctx.createMediaStreamSource(new MediaStream([track]));
  const analyser = ctx.createAnalyser();
  analyser.fftSize = 2048;
  source.connect(analyser);
  const buffer = new Float32Array(analyser.fftSize);
  let last = ctx.currentTime;
  const timer = setInterval(() => {
    analyser.getFloatTimeDomainData(buffer);
    let energy = 0;
    for (const v of buffer) energy += v * v;
    const now = ctx.currentTime;
    onTick(Math.sqrt(energy / buffer.length), Math.round((now - last) * MEDIA_SAMPLE_RATE));
    last = now;
  }, 50);
  return () => {
    clearInterval(timer);
    source.disconnect();
    analyser.disconnect();
  };
}
