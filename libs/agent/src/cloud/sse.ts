import { createParser } from 'eventsource-parser';

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
  let parsed: SseEvent[] = [];
  const parser = createParser({ onEvent: ({ event, data }) => parsed.push({ event, data }) });
  const drain = () => {
    const out = parsed;
    parsed = [];
    return out;
  };

  for await (const chunk of chunks) {
    parser.feed(decoder.decode(chunk, { stream: true }));
    yield* drain();
  }
  // A stream that ends without a blank line still delivers its last event (the spec would drop it).
  parser.feed(`${decoder.decode()}\n\n`);
  yield* drain();
}
