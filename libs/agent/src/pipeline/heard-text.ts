export interface SpokenSentence {
  text: string;
  /** Where this sentence's audio begins and ends within the turn's audio, in ms. */
  startMs: number;
  endMs: number;
}

/**
 * What the caller heard of an agent turn that was cut off after `playedMs` of audio: every
 * sentence played in full, and of the sentence playing at the cut the words spoken so far
 * (by the share of its audio that played).
 */
export function heardText(sentences: SpokenSentence[], playedMs: number): string {
  const heard: string[] = [];
  for (const s of sentences) {
    if (playedMs >= s.endMs) {
      heard.push(s.text);
      continue;
    }
    if (playedMs > s.startMs) {
      const words = s.text.split(/\s+/);
      const share = (playedMs - s.startMs) / Math.max(1, s.endMs - s.startMs);
      const count = Math.floor(words.length * share);
      if (count > 0) heard.push(words.slice(0, count).join(' '));
    }
    break;
  }
  return heard.join(' ');
}
