import { HeardAudio } from './heard-audio';

const tick = () => new Promise((r) => setImmediate(r));

describe('HeardAudio', () => {
  it('counts what the caller heard of the current turn from the marks echoed before the clear, not after', async () => {
    const heard = new HeardAudio();
    const marks: string[] = [];
    const send = (n: number) => {
      for (let i = 0; i < n; i++) {
        const mark = heard.sent();
        if (mark) marks.push(mark);
      }
    };
    send(10); // the greeting: 200 ms, a mark every 40 ms
    heard.turnStarted();
    await tick();
    marks.forEach((m) => heard.echoed(m));
    marks.length = 0;
    send(3); // the next turn's first burst, announced after it
    heard.turnStarted();
    await tick();
    send(7);
    await tick();
    expect(marks).toEqual(['a240', 'a280', 'a320', 'a360', 'a400']);
    heard.echoed('a240');
    heard.echoed('a280');
    expect(heard.cleared()).toBe(80);
    // Twilio echoes the marks a clear dropped: they were never heard.
    heard.echoed('a320');
    heard.echoed('a400');
    expect(heard.cleared()).toBe(80);
    heard.echoed('made-up');
    expect(heard.cleared()).toBe(80);
  });

  it('marks all the audio sent, and says when the phone has played it', async () => {
    const heard = new HeardAudio();
    for (let i = 0; i < 5; i++) heard.sent(); // 100 ms: marks at 40 and 80 ms
    const { mark, heard: played } = heard.markAllSent();
    expect(mark).toBe('a100');
    let done = false;
    void played.then(() => (done = true));
    heard.echoed('a40');
    heard.echoed('a80');
    await tick();
    expect(done).toBe(false);
    heard.echoed('a100');
    await tick();
    expect(done).toBe(true);
    // Everything heard already: no mark, nothing to wait for.
    expect(heard.markAllSent().mark).toBeUndefined();
  });
});
