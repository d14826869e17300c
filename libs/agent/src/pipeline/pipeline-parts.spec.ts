import { heardText } from './heard-text';
import { Playout } from './playout';
import { SentenceSplitter } from './sentence-splitter';
import { TurnDetector } from './turn-detector';

const frame = () => new Int16Array(320);

describe('TurnDetector', () => {
  it('starts after consecutive speech frames with pre-roll, and ends after the configured silence', () => {
    const d = new TurnDetector({ threshold: 0.5, endOfUtteranceMs: 100, startFrames: 2, preRollMs: 40 });
    let t = 0;
    const feed = (p: number) => d.update(frame(), p, (t += 20));
    expect(feed(0)).toEqual([]);
    expect(feed(0)).toEqual([]);
    expect(feed(0.9)).toEqual([]);
    const start = feed(0.9);
    expect(start).toHaveLength(1);
    expect(start[0]).toMatchObject({ type: 'start' });
    expect(start[0].type === 'start' && start[0].preRoll.length).toBe(4);
    expect(feed(0.9)).toMatchObject([{ type: 'audio' }]);
    const lastSpeech = t;
    for (let i = 0; i < 4; i++) expect(feed(0.1)).toMatchObject([{ type: 'audio' }]);
    expect(feed(0.1)).toMatchObject([{ type: 'audio' }, { type: 'end', lastSpeechAt: lastSpeech }]);
    expect(d.inTurn).toBe(false);
  });

  it('reports a pause once per silence, and ends at the longest silence unless ended at the pause', () => {
    const d = new TurnDetector({ threshold: 0.5, endOfUtteranceMs: 200, pauseMs: 60, startFrames: 1, preRollMs: 0 });
    let t = 0;
    const feed = (p: number) => d.update(frame(), p, (t += 20)).map((e) => e.type);
    expect(feed(0.9)).toEqual(['start']);
    expect([feed(0.1), feed(0.1), feed(0.1), feed(0.1)]).toEqual([['audio'], ['audio'], ['audio', 'pause'], ['audio']]);
    // Speech after the pause continues the same turn (audio, not a new start), and a new silence pauses again.
    expect(feed(0.9)).toEqual(['audio']);
    const lastSpeech = t;
    expect([feed(0.1), feed(0.1), feed(0.1)]).toEqual([['audio'], ['audio'], ['audio', 'pause']]);
    for (let i = 0; i < 6; i++) expect(feed(0.1)).toEqual(['audio']);
    expect(d.update(frame(), 0.1, (t += 20))).toEqual([
      { type: 'audio', frame: expect.any(Int16Array) },
      { type: 'end', lastSpeechAt: lastSpeech },
    ]);
  });

  it('ends the turn when told at a pause, so the next speech starts a new one', () => {
    const d = new TurnDetector({ threshold: 0.5, endOfUtteranceMs: 200, pauseMs: 40, startFrames: 1, preRollMs: 0 });
    expect(d.update(frame(), 0.9, 20).map((e) => e.type)).toEqual(['start']);
    d.update(frame(), 0.1, 40);
    expect(d.update(frame(), 0.1, 60).map((e) => e.type)).toEqual(['audio', 'pause']);
    expect(d.endTurn()).toEqual({ type: 'end', lastSpeechAt: 20 });
    expect(d.inTurn).toBe(false);
    expect(d.update(frame(), 0.9, 80).map((e) => e.type)).toEqual(['start']);
  });

  it('ignores a single loud frame', () => {
    const d = new TurnDetector({ threshold: 0.5, endOfUtteranceMs: 100 });
    expect([0.9, 0.1, 0.9, 0.1].flatMap((p, i) => d.update(frame(), p, i * 20))).toEqual([]);
  });
});

describe('SentenceSplitter', () => {
  it('cuts streamed text into sentences, keeping titles like "Dr." inside', () => {
    const s = new SentenceSplitter();
    expect(s.push('Dr. Alice Smith is free at 9')).toEqual([]);
    expect(s.push(':30 AM. Which')).toEqual(['Dr. Alice Smith is free at 9:30 AM.']);
    expect(s.push(' time? ')).toEqual([]);
    expect(s.push('Ok')).toEqual(['Which time?']);
    expect(s.flush()).toEqual(['Ok']);
  });

  it('cuts a long run at a comma', () => {
    const s = new SentenceSplitter(30);
    expect(s.push('one two three four five, six seven eight nine ten eleven')).toEqual(['one two three four five,', 'six seven eight nine ten']);
    expect(s.flush()).toEqual(['eleven']);
  });
});

describe('heardText', () => {
  const sentences = [
    { text: 'Hello there.', startMs: 0, endMs: 1000 },
    { text: 'Doctor Smith is free at nine or ten.', startMs: 1000, endMs: 3000 },
  ];
  it('keeps whole sentences played and the played share of the one cut', () => {
    expect(heardText(sentences, 500)).toBe('Hello');
    expect(heardText(sentences, 1000)).toBe('Hello there.');
    expect(heardText(sentences, 2000)).toBe('Hello there. Doctor Smith is free');
    expect(heardText(sentences, 5000)).toBe('Hello there. Doctor Smith is free at nine or ten.');
    expect(heardText(sentences, 0)).toBe('');
  });
});

describe('Playout', () => {
  it('sends a small lead at once, then one frame per 20 ms, and knows what was played when cleared', () => {
    let now = 1000;
    const sent: Int16Array[] = [];
    const p = new Playout({ send: (f) => sent.push(f), leadMs: 100, now: () => now });
    p.beginTurn();
    p.enqueue(Array.from({ length: 50 }, frame));
    expect(sent).toHaveLength(5);
    expect(p.playedMs).toBe(0);
    const tick = () => (p as unknown as { tick(): void }).tick();
    for (let i = 0; i < 20; i++) {
      now += 10;
      tick();
    }
    expect(sent).toHaveLength(15);
    expect(p.playedMs).toBe(200);
    expect(p.busy).toBe(true);
    expect(p.clear()).toBe(200);
    expect(p.busy).toBe(false);
    now += 1000;
    tick();
    expect(sent).toHaveLength(15);
    p.close();
  });
});
