/** An end mark followed by space, but not the dot of a title ("Dr. Smith"). */
const SENTENCE_END = /(?<!\b(?:Dr|Mr|Mrs|Ms|St))[.!?](?=\s|$)\s*/;

/**
 * Cuts streamed model text into sentences for TTS, so speech starts after the first sentence
 * rather than after the whole reply. Long runs without an end mark are cut at a comma.
 */
export class SentenceSplitter {
  private buffer = '';

  constructor(private readonly maxChars = 200) {}

  push(text: string): string[] {
    this.buffer += text;
    const out: string[] = [];
    for (;;) {
      const end = SENTENCE_END.exec(this.buffer);
      const cut = end && end.index + end[0].length < this.buffer.length ? end.index + end[0].length : -1;
      if (cut > 0) {
        this.take(cut, out);
        continue;
      }
      if (this.buffer.length > this.maxChars) {
        const comma = this.buffer.lastIndexOf(', ', this.maxChars);
        const space = this.buffer.lastIndexOf(' ', this.maxChars);
        this.take(comma > 0 ? comma + 2 : space > 0 ? space + 1 : this.maxChars, out);
        continue;
      }
      return out;
    }
  }

  /** The rest, when the model has finished. */
  flush(): string[] {
    const rest = this.buffer.trim();
    this.buffer = '';
    return rest ? [rest] : [];
  }

  private take(n: number, out: string[]) {
    const sentence = this.buffer.slice(0, n).trim();
    this.buffer = this.buffer.slice(n);
    if (sentence) out.push(sentence);
  }
}
