/** One Server-Sent Event: `data` lines joined with "\n", as the EventSource spec dispatches it. */
export interface SseEvent {
  event?: string;
  data: string;
}

/**
 * Parses a text/event-stream body. Chunks may split lines, UTF-8 characters and CRLF pairs
 * anywhere; comment lines (": keep-alive") and fields other than `event`/`data` are ignored.
 */
export async function* parseSse(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  let buffer = '';
  let data: string[] = [];
  let event: string | undefined;
  const dispatch = (): SseEvent | undefined => {
    const out = data.length > 0 ? { event, data: data.join('\n') } : undefined;
    data = [];
    event = undefined;
    return out;
  };

  for await (const chunk of chunks) {
    buffer += decoder.decode(chunk, { stream: true });
    let lineEnd: number;
    while ((lineEnd = nextLineEnd(buffer)) >= 0) {
      // A lone CR at the very end may be the first half of a CRLF still in flight.
      if (buffer[lineEnd] === '\r' && lineEnd === buffer.length - 1) break;
      const line = buffer.slice(0, lineEnd);
      const skip = buffer[lineEnd] === '\r' && buffer[lineEnd + 1] === '\n' ? 2 : 1;
      buffer = buffer.slice(lineEnd + skip);
      if (line === '') {
        const out = dispatch();
        if (out) yield out;
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'data') data.push(value);
      else if (field === 'event') event = value;
    }
  }
  buffer += decoder.decode();
  // A stream that ends without a blank line still delivers its last event.
  for (const line of buffer.split(/\r\n|\r|\n/)) {
    if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
  }
  const last = dispatch();
  if (last) yield last;
}

function nextLineEnd(text: string): number {
  const lf = text.indexOf('\n');
  const cr = text.indexOf('\r');
  if (lf < 0) return cr;
  if (cr < 0) return lf;
  return Math.min(lf, cr);
}
