import { concatInt16, FrameChunker, rms } from './frames';
import { bytesToInt16, int16ToBytes } from './pcm16';
import { dbfs, durationMs, samplesForMs, SILENCE_DBFS } from './levels';

const ramp = (n: number, start = 0): Int16Array => Int16Array.from({ length: n }, (_, i) => start + i);

describe('FrameChunker', () => {
  it('cuts arbitrary chunks into exact 320-sample frames, in order, keeping the remainder', () => {
    const chunker = new FrameChunker();
    const input = ramp(2000);
    const sizes = [1, 319, 100, 700, 0, 333, 547];
    const frames: Int16Array[] = [];
    let offset = 0;
    for (const size of sizes) {
      frames.push(...chunker.push(input.subarray(offset, offset + size)));
      offset += size;
    }
    expect(offset).toBe(2000);
    expect(frames.map((f) => f.length)).toEqual([320, 320, 320, 320, 320, 320]);
    expect(concatInt16(frames)).toEqual(input.subarray(0, 1920));
    expect(chunker.buffered).toBe(80);
    const last = chunker.flush();
    expect(last?.length).toBe(320);
    expect(last?.subarray(0, 80)).toEqual(input.subarray(1920));
    expect(last?.subarray(80).every((x) => x === 0)).toBe(true);
    expect(chunker.flush()).toBeUndefined();
  });

  it('returns frames that later pushes do not overwrite', () => {
    const chunker = new FrameChunker(4);
    const [first] = chunker.push(Int16Array.from([1, 2, 3, 4]));
    const source = Int16Array.from([1, 2, 3, 4, 5]);
    const [second] = chunker.push(source);
    source.fill(9);
    chunker.push(Int16Array.from([7, 7, 7, 7]));
    expect(first).toEqual(Int16Array.from([1, 2, 3, 4]));
    expect(second).toEqual(Int16Array.from([1, 2, 3, 4]));
  });

  it('flushes nothing when the stream ended on a frame boundary', () => {
    const chunker = new FrameChunker();
    expect(chunker.push(new Int16Array(640))).toHaveLength(2);
    expect(chunker.flush()).toBeUndefined();
  });

  it('rejects a frame size that is not a positive integer', () => {
    expect(() => new FrameChunker(0)).toThrow(/positive integer/);
    expect(() => new FrameChunker(2.5)).toThrow(/positive integer/);
  });
});

describe('PCM16 bytes', () => {
  it('views aligned little-endian bytes without copying', () => {
    const bytes = Buffer.from([0x01, 0x00, 0xff, 0xff, 0x00, 0x80]);
    const samples = bytesToInt16(bytes);
    expect(samples).toEqual(Int16Array.from([1, -1, -32768]));
    bytes[0] = 2;
    expect(samples[0]).toBe(2);
  });

  it('copies bytes that start at an odd offset, as socket buffers often do', () => {
    const backing = Buffer.from([0xaa, 0x34, 0x12, 0xfe, 0xff]);
    const samples = bytesToInt16(backing.subarray(1));
    expect(samples).toEqual(Int16Array.from([0x1234, -2]));
    backing[1] = 0;
    expect(samples[0]).toBe(0x1234);
  });

  it('rejects an odd number of bytes', () => {
    expect(() => bytesToInt16(Buffer.alloc(641))).toThrow(/even number of bytes, got 641/);
  });

  it('turns samples into little-endian bytes sharing their memory', () => {
    const samples = Int16Array.from([1, -1, 0x1234]);
    const bytes = int16ToBytes(samples.subarray(1));
    expect([...bytes]).toEqual([0xff, 0xff, 0x34, 0x12]);
    expect(bytesToInt16(int16ToBytes(samples))).toEqual(samples);
  });
});

describe('levels', () => {
  it('measures RMS as a fraction of full scale', () => {
    expect(rms(new Int16Array(320))).toBe(0);
    expect(rms(new Int16Array(0))).toBe(0);
    expect(rms(Int16Array.from({ length: 320 }, (_, i) => (i % 2 ? -32768 : 32767)))).toBeCloseTo(1, 4);
    const sine = Int16Array.from({ length: 320 }, (_, i) => Math.round(16384 * Math.sin((2 * Math.PI * i) / 32)));
    expect(rms(sine)).toBeCloseTo(0.5 / Math.SQRT2, 4);
  });

  it('reports dBFS, with a finite floor for digital silence', () => {
    const sine = Int16Array.from({ length: 320 }, (_, i) => Math.round(32767 * Math.sin((2 * Math.PI * i) / 32)));
    expect(dbfs(sine)).toBeCloseTo(-3.01, 1);
    expect(dbfs(sine.map((x) => Math.round(x / 10)))).toBeCloseTo(-23.01, 1);
    expect(dbfs(new Int16Array(320))).toBe(SILENCE_DBFS);
  });

  it('converts between samples and milliseconds', () => {
    expect(durationMs(320)).toBe(20);
    expect(durationMs(8000, 8000)).toBe(1000);
    expect(durationMs(441, 44100)).toBe(10);
    expect(samplesForMs(20)).toBe(320);
    expect(samplesForMs(20, 22050)).toBe(441);
  });
});
