import { execFileSync } from 'node:child_process';
import { decodeWav, encodeWav } from './wav';

function chunk(id: string, body: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.write(id, 0, 'ascii');
  header.writeUInt32LE(body.length, 4);
  return Buffer.concat([header, body, body.length % 2 ? Buffer.alloc(1) : Buffer.alloc(0)]);
}

function fmt(channels: number, sampleRate: number, bits = 16, tag = 1): Buffer {
  const b = Buffer.alloc(16);
  b.writeUInt16LE(tag, 0);
  b.writeUInt16LE(channels, 2);
  b.writeUInt32LE(sampleRate, 4);
  b.writeUInt32LE((sampleRate * channels * bits) / 8, 8);
  b.writeUInt16LE((channels * bits) / 8, 12);
  b.writeUInt16LE(bits, 14);
  return b;
}

function riff(...chunks: Buffer[]): Buffer {
  const body = Buffer.concat([Buffer.from('WAVE', 'ascii'), ...chunks]);
  const header = Buffer.alloc(8);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(body.length, 4);
  return Buffer.concat([header, body]);
}

function pcm(...samples: number[]): Buffer {
  const b = Buffer.alloc(samples.length * 2);
  samples.forEach((s, i) => b.writeInt16LE(s, i * 2));
  return b;
}

describe('WAV', () => {
  it('round-trips mono PCM16 through encodeWav and decodeWav', () => {
    const samples = Int16Array.from({ length: 1001 }, (_, i) => ((i * 7919) % 65536) - 32768);
    const wav = encodeWav(samples, 24000);
    expect(wav.length).toBe(44 + samples.length * 2);
    expect(wav.subarray(0, 4).toString('ascii')).toBe('RIFF');
    expect(wav.readUInt32LE(4)).toBe(wav.length - 8);
    expect(decodeWav(wav)).toEqual({ sampleRate: 24000, samples });
  });

  it('writes a file sox accepts as 16-bit mono', () => {
    const wav = encodeWav(new Int16Array(16000), 16000);
    const info = execFileSync('soxi', ['-'], { input: wav }).toString();
    expect(info).toMatch(/Channels\s*:\s*1/);
    expect(info).toMatch(/Sample Rate\s*:\s*16000/);
    expect(info).toMatch(/Precision\s*:\s*16-bit/);
    expect(info).toMatch(/Duration\s*:\s*00:00:01\.00 = 16000 samples/);
  });

  it('reads espeak-ng --stdout output, whose size fields are placeholders, to the end of the file', () => {
    const bytes = execFileSync('espeak-ng', ['-v', 'en-us', '-s', '160', '--stdout', 'Good morning, doctor.']);
    const dataSize = bytes.readUInt32LE(40);
    expect(dataSize).toBeGreaterThan(bytes.length); // the placeholder, not the real size
    const wav = decodeWav(bytes);
    expect(wav.sampleRate).toBe(22050);
    expect(wav.samples.length).toBe((bytes.length - 44) / 2);
    expect(Math.max(...wav.samples.map(Math.abs))).toBeGreaterThan(3000);
  });

  it('takes the rest of the file when the data size is 0', () => {
    const file = riff(chunk('fmt ', fmt(1, 8000)), Buffer.concat([Buffer.from('data\0\0\0\0', 'ascii'), pcm(1, -2, 3)]));
    expect(decodeWav(file).samples).toEqual(Int16Array.from([1, -2, 3]));
  });

  it('skips unknown chunks, including odd-sized ones with their pad byte, and mixes stereo down to mono', () => {
    const file = riff(
      chunk('LIST', Buffer.from('INFOISFT\x05\0\0\0test\0', 'latin1')),
      chunk('fmt ', fmt(2, 44100)),
      chunk('fact', Buffer.from([1, 2, 3])),
      chunk('data', pcm(100, 300, -32768, -32768, 32767, 32767, 1, -2)),
    );
    expect(decodeWav(file)).toEqual({ sampleRate: 44100, samples: Int16Array.from([200, -32768, 32767, 0]) });
  });

  it('mixes a stereo file from sox down to mono', () => {
    // Right is left inverted: a true mix cancels to silence, where taking one channel, or reading
    // the interleaved samples as mono, would not.
    // -D: no dither, which would add independent noise to each channel.
    const args = '-D -n -t wav -r 48000 -c 2 -b 16 - synth 0.5 sine 440 sine 440 gain -3 remix 1 2v-1';
    const bytes = execFileSync('sox', args.split(' '));
    const firstLeft = bytes.indexOf('data') + 8 + 4 * 10; // frame 10, left channel
    expect(Math.abs(bytes.readInt16LE(firstLeft))).toBeGreaterThan(5000);
    const wav = decodeWav(bytes);
    expect(wav.sampleRate).toBe(48000);
    expect(wav.samples.length).toBe(24000);
    expect(Math.max(...wav.samples.map(Math.abs))).toBe(0);
  });

  it('reads WAVE_FORMAT_EXTENSIBLE files whose sub-format is PCM', () => {
    const ext = Buffer.alloc(40);
    fmt(1, 16000, 16, 0xfffe).copy(ext);
    ext.writeUInt16LE(22, 16); // cbSize
    ext.writeUInt16LE(16, 18); // valid bits
    ext.writeUInt16LE(1, 24); // sub-format GUID starts with WAVE_FORMAT_PCM
    expect(decodeWav(riff(chunk('fmt ', ext), chunk('data', pcm(4, 5)))).samples).toEqual(Int16Array.from([4, 5]));
    ext.writeUInt16LE(3, 24); // IEEE float
    expect(() => decodeWav(riff(chunk('fmt ', ext), chunk('data', pcm(4, 5))))).toThrow(/format tag 3/);
  });

  it('reads from a Uint8Array view at an odd offset into a larger buffer', () => {
    const wav = encodeWav(Int16Array.from([5, -6, 7]), 8000);
    const backing = new Uint8Array(wav.length + 1);
    backing.set(wav, 1);
    expect(decodeWav(backing.subarray(1)).samples).toEqual(Int16Array.from([5, -6, 7]));
  });

  it('says what is wrong with files it cannot read', () => {
    expect(() => decodeWav(Buffer.from('OggS not a wave file'))).toThrow(/not a RIFF\/WAVE/);
    expect(() => decodeWav(riff(chunk('fmt ', fmt(1, 8000, 8)), chunk('data', Buffer.alloc(4))))).toThrow(/16-bit/);
    expect(() => decodeWav(riff(chunk('fmt ', fmt(1, 8000, 16, 3)), chunk('data', Buffer.alloc(4))))).toThrow(/format tag 3/);
    expect(() => decodeWav(riff(chunk('fmt ', fmt(1, 8000))))).toThrow(/no "data" chunk/);
    expect(() => encodeWav(new Int16Array(1), 0)).toThrow(/sample rate/);
  });
});
