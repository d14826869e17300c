// The offline recogniser as voice-api's pipeline drives it, without the server: the energy VAD and the
// turn detector cut 20 ms frames into utterances, pocketsphinx decodes each against the clinic grammar
// (both from their dist builds). Frames go in as fast as the decoder takes them, not in real time.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

/** The doctors apps/persistence-api/src/database/seed.ts seeds (run.mjs checks), whose names the grammar holds. */
export const DOCTORS = ['Dr. Alice Smith', 'Dr. Brian Jones', 'Dr. Carmen Lopez', 'Dr. David Brown'];
const FRAME = 320; // 20 ms at 16 kHz
/**
 * voice-api's VAD_THRESHOLD, and a fixed 400 ms of silence between turns: every turn's words are joined,
 * so where a turn ends hardly changes the score (the end-of-turn judge is measured by bench:voice).
 */
const VAD_THRESHOLD = 0.5;
const END_OF_UTTERANCE_MS = 400;

export function recogniserFactory(root, doctorNames) {
  const load = (file) => createRequire(import.meta.url)(join(root, file));
  const { PocketsphinxStt } = load('libs/agent/dist/stt/index.js');
  const { EnergyVad } = load('libs/agent/dist/vad/index.js');
  const { TurnDetector } = load('libs/agent/dist/pipeline/turn-detector.js');
  const { buildClinicGrammar } = load('libs/clinic/dist/recognition/index.js');
  const grammar = buildClinicGrammar({ doctorNames });

  /**
   * A fresh decoder for every utterance, as for the first utterance of a call: a warm decoder adapts
   * (its cepstral mean) to the audio it has heard, so reusing one would make each result depend on the
   * utterances before it, and the benchmark on their order.
   */
  return function createRecogniser() {
    return {
      /**
       * `pcm`: 16 kHz PCM16 with the caller's pauses around it. Returns the words of every turn the
       * detector found (joined), how many turns, whether the last one ended by silence (else the audio
       * ran out first and it was finished anyway), and the time from the end of each turn to its words.
       */
      async recognise(pcm) {
        const stt = new PocketsphinxStt({ grammar, finishTimeoutMs: 60_000 }); // fed faster than real time, the decoder may lag far behind
        try {
          return await recogniseWith(stt, new EnergyVad(), new TurnDetector({ threshold: VAD_THRESHOLD, endOfUtteranceMs: END_OF_UTTERANCE_MS }), pcm);
        } finally {
          await stt.close();
        }
      },
    };
  };
}

async function recogniseWith(stt, vad, detector, pcm) {
  const texts = [];
  let utterance;
  let ms = 0;
  let clock = 0;
  const finish = async () => {
    const endedAt = performance.now();
    const { text } = await utterance.finish();
    ms += performance.now() - endedAt;
    utterance = undefined;
    if (text.trim()) texts.push(text.trim());
  };
  let turns = 0;
  for (let i = 0; i + FRAME <= pcm.length; i += FRAME) {
    const frame = pcm.slice(i, i + FRAME);
    for (const event of detector.update(frame, await vad.process(frame), (clock += 20))) {
      if (event.type === 'start') {
        turns++;
        utterance = stt.startUtterance();
        for (const f of event.preRoll) utterance.push(f);
      } else if (event.type === 'audio') utterance?.push(event.frame);
      else if (utterance) await finish();
    }
  }
  const endedBySilence = !utterance;
  if (utterance) await finish();
  await vad.close?.();
  return { text: texts.join(' '), turns, endedBySilence, ms: Math.round(ms) };
}
