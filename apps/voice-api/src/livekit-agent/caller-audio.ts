import { FrameChunker, Resampler } from '@voice/agent/audio';
import { MEDIA_FRAME_SAMPLES, MEDIA_SAMPLE_RATE } from '@voice/contracts/media';

/** The parts of an rtc-node AudioFrame that matter here: interleaved PCM16 samples and their format. */
export interface PcmFrame {
  data: Int16Array;
  sampleRate: number;
  channels: number;
  samplesPerChannel: number;
}

/**
 * Turns the caller's audio frames, whatever their rate, channel count and length, into the exact
 * 20 ms 16 kHz mono frames the pipeline takes. The track is subscribed at 16 kHz mono already,
 * so normally this only re-chunks; the rest guards against a stream that ignores that request.
 */
export class CallerAudio {
  private readonly chunker = new FrameChunker(MEDIA_FRAME_SAMPLES);
  private resampler?: Resampler;
  private rate = MEDIA_SAMPLE_RATE;

  /** Every whole 320-sample frame now available. Throws RangeError on a frame that describes itself wrongly. */
  push(frame: PcmFrame): Int16Array[] {
    const mono = toMono(frame);
    if (frame.sampleRate !== this.rate) {
      this.resampler = frame.sampleRate === MEDIA_SAMPLE_RATE ? undefined : new Resampler(frame.sampleRate, MEDIA_SAMPLE_RATE);
      this.rate = frame.sampleRate;
    }
    return this.chunker.push(this.resampler ? this.resampler.process(mono) : mono);
  }
}

function toMono({ data, channels, samplesPerChannel }: PcmFrame): Int16Array {
  if (!Number.isInteger(channels) || channels < 1 || !Number.isInteger(samplesPerChannel) || samplesPerChannel < 0) {
    throw new RangeError(`audio frame with ${channels} channel(s) of ${samplesPerChannel} samples`);
  }
  if (data.length < channels * samplesPerChannel) {
    throw new RangeError(`audio frame holds ${data.length} samples, fewer than ${channels} × ${samplesPerChannel}`);
  }
  if (channels === 1) return data.subarray(0, samplesPerChannel);
  const mono = new Int16Array(samplesPerChannel);
  for (let i = 0; i < samplesPerChannel; i++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += data[i * channels + c];
    mono[i] = Math.round(sum / channels);
  }
  return mono;
}
