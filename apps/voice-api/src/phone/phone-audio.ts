import { FrameChunker, mulawDecode, mulawEncode, Resampler } from '@voice/agent/audio';
import { MEDIA_SAMPLE_RATE } from '@voice/contracts/media';

/** Twilio's media format: μ-law, 8 kHz, mono. */
export const PHONE_SAMPLE_RATE = 8000;

/** The caller's side: base64 μ-law 8 kHz payloads in, the pipeline's 20 ms frames of 16 kHz PCM16 out. */
export class PhoneAudioIn {
  private readonly resampler = new Resampler(PHONE_SAMPLE_RATE, MEDIA_SAMPLE_RATE);
  private readonly chunker = new FrameChunker();

  frames(payload: string): Int16Array[] {
    return this.chunker.push(this.resampler.process(mulawDecode(Buffer.from(payload, 'base64'))));
  }
}

/** The agent's side: the pipeline's 16 kHz PCM16 frames in, base64 μ-law 8 kHz payloads of 20 ms (160 bytes) out. */
export class PhoneAudioOut {
  private readonly resampler = new Resampler(MEDIA_SAMPLE_RATE, PHONE_SAMPLE_RATE);
  private readonly chunker = new FrameChunker(PHONE_SAMPLE_RATE / 50);

  payloads(frame: Int16Array): string[] {
    return this.chunker.push(this.resampler.process(frame)).map((samples) => mulawEncode(samples).toString('base64'));
  }
}
