// Gapless playback of the agent's 16 kHz PCM16 frames. `clear` drops everything queued at once and
// answers how much of the current reply was actually played, so the stored turn can be cut to it.
// `drain` is answered with `drained` once everything queued has been played (the call is ending).
const IDLE_RESET_SAMPLES = 16000 * 0.3; // 300 ms of silence ends a reply
const REPORT_EVERY = 1600; // 100 ms

class PlaybackProcessor extends AudioWorkletProcessor {
  constructor() {
    super();
    this.queue = [];
    this.offset = 0;
    this.played = 0;
    this.playedInReply = 0;
    this.idle = 0;
    this.unreported = 0;
    this.port.onmessage = (event) => {
      const message = event.data;
      if (message.type === 'audio') this.queue.push(new Int16Array(message.samples));
      else if (message.type === 'drain') this.draining = true;
      else if (message.type === 'clear') {
        this.port.postMessage({ type: 'cleared', playedMs: Math.round(this.playedInReply / 16) });
        this.queue = [];
        this.offset = 0;
        this.playedInReply = 0;
      }
    };
  }

  process(_inputs, outputs) {
    const out = outputs[0][0];
    let i = 0;
    while (i < out.length && this.queue.length > 0) {
      const head = this.queue[0];
      const take = Math.min(out.length - i, head.length - this.offset);
      for (let j = 0; j < take; j++) out[i + j] = head[this.offset + j] / 32768;
      i += take;
      this.offset += take;
      if (this.offset >= head.length) {
        this.queue.shift();
        this.offset = 0;
      }
    }
    if (i > 0) {
      this.played += i;
      this.playedInReply += i;
      this.unreported += i;
      this.idle = 0;
    } else if ((this.idle += out.length) > IDLE_RESET_SAMPLES) this.playedInReply = 0;
    for (; i < out.length; i++) out[i] = 0;
    if (this.draining && this.queue.length === 0) {
      this.draining = false;
      this.port.postMessage({ type: 'drained' });
    }
    if (this.unreported >= REPORT_EVERY) {
      this.unreported = 0;
      this.port.postMessage({ type: 'played', samples: this.played });
    }
    return true;
  }
}

registerProcessor('playback', PlaybackProcessor);
