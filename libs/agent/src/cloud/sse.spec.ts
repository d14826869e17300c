import { parseSse, type SseEvent } from './sse';

async function* pieces(text: string, sizes: number[]): AsyncGenerator<Uint8Array> {
  const bytes = Buffer.from(text, 'utf8');
  for (let offset = 0, i = 0; offset < bytes.length; i++) {
    const size = sizes[i % sizes.length];
    yield bytes.subarray(offset, offset + size);
    offset += size;
  }
}

async function parse(text: string, sizes: number[]): Promise<SseEvent[]> {
  const out: SseEvent[] = [];
  for await (const event of parseSse(pieces(text, sizes))) out.push(event);
  return out;
}

describe('parseSse', () => {
  const stream =
    ': comment\r\n\r\nevent: delta\r\ndata: {"text":"caf\u00e9 \u2615"}\r\n\r\ndata: first line\ndata: second line\n\nid: 7\nretry: 10\ndata:no-space\n\ndata: [DONE]';

  it.each([[[1]], [[2, 3]], [[7]], [[1000]]])('gives the same events whatever the chunk sizes (%j), CRLF and split UTF-8 included', async (sizes) => {
    expect(await parse(stream, sizes)).toEqual([
      { event: 'delta', data: '{"text":"café ☕"}' },
      { event: undefined, data: 'first line\nsecond line' },
      { event: undefined, data: 'no-space' },
      { event: undefined, data: '[DONE]' },
    ]);
  });

  it('dispatches nothing for comment-only or empty streams', async () => {
    expect(await parse(': ping\n\n: ping\n\n', [3])).toEqual([]);
    expect(await parse('', [1])).toEqual([]);
  });
});
