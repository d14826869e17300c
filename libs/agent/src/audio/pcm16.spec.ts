import { int16ToBytes, Pcm16Decoder } from './pcm16';

describe('Pcm16Decoder', () => {
  const samples = Int16Array.from([0, 1, -1, 32767, -32768, 258, -258, 12345]);
  const bytes = int16ToBytes(samples);

  it('writes little-endian bytes', () => {
    expect([...int16ToBytes(Int16Array.from([0x0102, -2]))]).toEqual([0x02, 0x01, 0xfe, 0xff]);
  });

  it.each([[[1]], [[3]], [[1, 2]], [[5, 1, 1]], [[16]]])('rebuilds every sample whatever the byte boundaries (%j)', (sizes) => {
    const decoder = new Pcm16Decoder();
    const out: number[] = [];
    for (let offset = 0, i = 0; offset < bytes.length; i++) {
      const size = sizes[i % sizes.length];
      out.push(...decoder.push(bytes.subarray(offset, offset + size)));
      offset += size;
    }
    expect(out).toEqual([...samples]);
    expect(decoder.pending).toBe(false);
  });

  it('holds a trailing odd byte until its pair arrives', () => {
    const decoder = new Pcm16Decoder();
    expect([...decoder.push(Uint8Array.from([0x34, 0x12, 0xff]))]).toEqual([0x1234]);
    expect(decoder.pending).toBe(true);
    expect([...decoder.push(new Uint8Array(0))]).toEqual([]);
    expect([...decoder.push(Uint8Array.from([0x7f]))]).toEqual([0x7fff]);
    expect(decoder.pending).toBe(false);
  });
});
